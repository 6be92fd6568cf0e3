<#
.SYNOPSIS
    Emoguard's host snapshot collector: what `emoguard check --snapshot` needs to look for Emotet on this PC.

.DESCRIPTION
    Read-only. Writes one JSON file (schema "emoguard.host-snapshot", version 1, documented in docs/hostcheck.md):

      - the running processes with their executable paths and command lines (Win32_Process);
      - the volume serial number of the system drive (the seed of Emotet v1's process name, the key of v2's value);
      - the Run keys: HKCU of every loaded profile (HKEY_USERS\S-1-5-21-...), HKLM, HKLM\...\WOW6432Node;
      - the values of Software\Microsoft\Windows\CurrentVersion\Explorer (HKCU, HKLM, WOW6432Node) for v2;
      - every service's ImagePath (HKLM\SYSTEM\CurrentControlSet\Services);
      - %LOCALAPPDATA% of every profile, SysWOW64 and System32, two levels deep: names, sizes, last-write times
        (FILETIME) and the first two bytes of every file (MZ = a PE);
      - the .exe and .dll names of System32 and SysWOW64 with their sizes (v3's keyword list);
      - the folder names under every profile's AppData\Roaming, Program Files and Program Files (x86) (EmoCheck
        v4's allowlist).

    Run it as an administrator to see every profile and the command lines of every process; run it in 64-bit
    PowerShell (a 32-bit one is redirected from System32 to SysWOW64; the script reads System32 through Sysnative).

    This script cannot be tested on Emoguard's continuous integration, which runs on Linux: the tests check the
    parsing of its format with a hand-written sample (Tests/HostCheckTests/Resources/hostcheck/snapshots/).

.PARAMETER OutputDirectory
    Where to write <COMPUTERNAME>_yyyymmddhhmmss_emoguard-snapshot.json (default: the current directory).

.PARAMETER MaxEntries
    At most this many entries are read from one folder (default 200000).

.PARAMETER LoadProfiles
    Also load the NTUSER.DAT of profiles that are not logged on (reg load / reg unload, administrator only), so
    that their Run and Explorer keys are collected too.

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File collect.ps1 -OutputDirectory \\server\share\emoguard
#>
[CmdletBinding()]
param(
    [string]$OutputDirectory = ".",
    [int]$MaxEntries = 200000,
    [switch]$LoadProfiles
)

Set-StrictMode -Version 2
$ErrorActionPreference = 'SilentlyContinue'

$RunKey = 'Software\Microsoft\Windows\CurrentVersion\Run'
$ExplorerKey = 'Software\Microsoft\Windows\CurrentVersion\Explorer'

function ConvertTo-Hex([byte[]]$Bytes) {
    if ($null -eq $Bytes -or $Bytes.Length -eq 0) { return '' }
    return ([System.BitConverter]::ToString($Bytes) -replace '-', '').ToLowerInvariant()
}

# The first two bytes of a file, as hex ('' for an empty file, $null if it cannot be read).
function Get-Head([string]$Path) {
    try {
        $fs = [System.IO.File]::Open($Path, 'Open', 'Read', 'ReadWrite, Delete')
        try {
            $buffer = New-Object byte[] 2
            $n = $fs.Read($buffer, 0, 2)
            if ($n -le 0) { return '' }
            return ConvertTo-Hex ($buffer[0..($n - 1)])
        } finally { $fs.Dispose() }
    } catch { return $null }
}

function Test-Link($Item) { return [bool]($Item.Attributes -band [System.IO.FileAttributes]::ReparsePoint) }

# One file or folder; a folder's children (one level) when $WithChildren.
function Get-Entry($Item, [bool]$WithChildren) {
    $entry = [ordered]@{
        name      = $Item.Name
        dir       = [bool]$Item.PSIsContainer
        lastWrite = $Item.LastWriteTimeUtc.ToFileTimeUtc()
    }
    if ($Item.PSIsContainer) {
        if ($WithChildren) {
            $children = New-Object System.Collections.Generic.List[object]
            foreach ($child in (Get-ChildItem -LiteralPath $Item.FullName -Force | Select-Object -First $MaxEntries)) {
                if (Test-Link $child) { continue }
                $children.Add((Get-Entry $child $false))
            }
            $entry.children = $children
        }
    } else {
        $entry.size = [int64]$Item.Length
        $entry.head = Get-Head $Item.FullName
    }
    return $entry
}

# A watched folder, two levels deep.
function Get-Folder([string]$Role, [string]$User, [string]$Path, [string]$WindowsPath) {
    $entries = New-Object System.Collections.Generic.List[object]
    $items = @(Get-ChildItem -LiteralPath $Path -Force)
    foreach ($item in ($items | Select-Object -First $MaxEntries)) {
        if (Test-Link $item) { continue }
        $entries.Add((Get-Entry $item $true))
    }
    return [ordered]@{
        role = $Role; user = $User; path = $WindowsPath; truncated = ($items.Count -gt $MaxEntries); entries = $entries
    }
}

function Get-RegTypeName($Kind) {
    switch ($Kind.ToString()) {
        'String' { 'REG_SZ' }
        'ExpandString' { 'REG_EXPAND_SZ' }
        'Binary' { 'REG_BINARY' }
        'DWord' { 'REG_DWORD' }
        'QWord' { 'REG_QWORD' }
        'MultiString' { 'REG_MULTI_SZ' }
        default { 'REG_NONE' }
    }
}

# The values of one key. $KeyName is what the report shows (below HKCU or HKLM).
function Get-KeyValues([string]$Root, [string]$User, [string]$RegistryPath, [string]$KeyName) {
    $values = New-Object System.Collections.Generic.List[object]
    $key = Get-Item -LiteralPath $RegistryPath
    if ($null -ne $key) {
        foreach ($name in $key.GetValueNames()) {
            $kind = $key.GetValueKind($name)
            $data = $key.GetValue($name, $null, 'DoNotExpandEnvironmentNames')
            $value = [ordered]@{ name = $name; type = (Get-RegTypeName $kind) }
            switch ($kind.ToString()) {
                'String' { $value.string = [string]$data }
                'ExpandString' { $value.string = [string]$data }
                'Binary' { $value.hex = ConvertTo-Hex ([byte[]]$data) }
                'DWord' { $value.number = [System.BitConverter]::ToUInt32([System.BitConverter]::GetBytes([int32]$data), 0) }
                'QWord' { $value.number = [System.BitConverter]::ToUInt64([System.BitConverter]::GetBytes([int64]$data), 0) }
                'MultiString' { $value.strings = @($data) }
                default { if ($data -is [byte[]]) { $value.hex = ConvertTo-Hex $data } }
            }
            $values.Add($value)
        }
    }
    return [ordered]@{ root = $Root; user = $User; key = $KeyName; values = $values }
}

# --- Profiles ---------------------------------------------------------------------------------------------------

$profileList = 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList'
$profiles = @()
foreach ($p in (Get-ChildItem -LiteralPath $profileList)) {
    $sid = $p.PSChildName
    if ($sid -notmatch '^S-1-5-21-[\d-]+$') { continue }
    $path = [Environment]::ExpandEnvironmentVariables([string]$p.GetValue('ProfileImagePath'))
    if (-not $path) { continue }
    $profiles += [pscustomobject]@{ Sid = $sid; Path = $path; User = (Split-Path -Leaf $path) }
}

$loaded = @()
if ($LoadProfiles) {
    $i = 0
    foreach ($p in $profiles) {
        if (Test-Path -LiteralPath "Registry::HKEY_USERS\$($p.Sid)") { continue }
        $hive = Join-Path $p.Path 'NTUSER.DAT'
        if (-not (Test-Path -LiteralPath $hive)) { continue }
        $mount = "EmoguardCollect$i"
        $i++
        & reg.exe load "HKU\$mount" $hive | Out-Null
        if ($LASTEXITCODE -eq 0) { $loaded += [pscustomobject]@{ Sid = $p.Sid; Mount = $mount } }
    }
}

# --- Registry ---------------------------------------------------------------------------------------------------

$registry = New-Object System.Collections.Generic.List[object]
foreach ($p in $profiles) {
    $hku = "Registry::HKEY_USERS\$($p.Sid)"
    $mountedAs = $loaded | Where-Object { $_.Sid -eq $p.Sid } | Select-Object -First 1
    if ($mountedAs) { $hku = "Registry::HKEY_USERS\$($mountedAs.Mount)" }
    if (-not (Test-Path -LiteralPath $hku)) { continue }
    $registry.Add((Get-KeyValues 'HKCU' $p.User "$hku\$RunKey" $RunKey))
    $registry.Add((Get-KeyValues 'HKCU' $p.User "$hku\$ExplorerKey" $ExplorerKey))
}
foreach ($prefix in @('', 'WOW6432Node\')) {
    $run = "SOFTWARE\$prefix" + 'Microsoft\Windows\CurrentVersion\Run'
    $explorer = "SOFTWARE\$prefix" + 'Microsoft\Windows\CurrentVersion\Explorer'
    $registry.Add((Get-KeyValues 'HKLM' $null "HKLM:\$run" $run))
    $registry.Add((Get-KeyValues 'HKLM' $null "HKLM:\$explorer" $explorer))
}

$services = New-Object System.Collections.Generic.List[object]
foreach ($s in (Get-ChildItem -LiteralPath 'HKLM:\SYSTEM\CurrentControlSet\Services')) {
    $image = $s.GetValue('ImagePath', $null, 'DoNotExpandEnvironmentNames')
    if ($image) { $services.Add([ordered]@{ name = $s.PSChildName; imagePath = [string]$image }) }
}

foreach ($m in $loaded) {
    [System.GC]::Collect()
    & reg.exe unload "HKU\$($m.Mount)" | Out-Null
}

# --- Files ------------------------------------------------------------------------------------------------------

$windir = $env:windir
$is64 = [Environment]::Is64BitOperatingSystem
$system32 = Join-Path $windir 'System32'
if ($is64 -and -not [Environment]::Is64BitProcess) { $system32 = Join-Path $windir 'Sysnative' }
$sysWOW64 = Join-Path $windir 'SysWOW64'

$folders = New-Object System.Collections.Generic.List[object]
foreach ($p in $profiles) {
    $local = Join-Path $p.Path 'AppData\Local'
    if (Test-Path -LiteralPath $local) { $folders.Add((Get-Folder 'LocalAppData' $p.User $local $local)) }
}
if ($is64) {
    $folders.Add((Get-Folder 'SysWOW64' $null $sysWOW64 $sysWOW64))
    $folders.Add((Get-Folder 'System32' $null $system32 (Join-Path $windir 'System32')))
} else {
    $folders.Add((Get-Folder 'SysWOW64' $null $system32 (Join-Path $windir 'System32')))
}

$systemFiles = New-Object System.Collections.Generic.List[object]
$seen = @{}
foreach ($dir in @($system32, $sysWOW64)) {
    foreach ($f in (Get-ChildItem -LiteralPath $dir -File -Force | Select-Object -First $MaxEntries)) {
        $ext = [System.IO.Path]::GetExtension($f.Name).ToLowerInvariant()
        if (($ext -eq '.exe' -or $ext -eq '.dll') -and -not $seen.ContainsKey($f.Name.ToLowerInvariant())) {
            $seen[$f.Name.ToLowerInvariant()] = $true
            $systemFiles.Add([ordered]@{ name = $f.Name; size = [int64]$f.Length })
        }
    }
}

$allowRoots = @($env:ProgramFiles, ${env:ProgramFiles(x86)})
foreach ($p in $profiles) { $allowRoots += (Join-Path $p.Path 'AppData\Roaming') }
$allow = @{}
foreach ($root in $allowRoots) {
    if (-not $root -or -not (Test-Path -LiteralPath $root)) { continue }
    foreach ($d in (Get-ChildItem -LiteralPath $root -Directory -Recurse -Force)) { $allow[$d.Name] = $true }
}

# --- Processes and the volume ------------------------------------------------------------------------------------

$processes = New-Object System.Collections.Generic.List[object]
foreach ($p in (Get-CimInstance -ClassName Win32_Process)) {
    $processes.Add([ordered]@{
            name = $p.Name; pid = [int]$p.ProcessId; path = $p.ExecutablePath; commandLine = $p.CommandLine
        })
}
$disk = Get-CimInstance -ClassName Win32_LogicalDisk -Filter "DeviceID='$($env:SystemDrive)'"

$snapshot = [ordered]@{
    schema        = 'emoguard.host-snapshot'
    schemaVersion = 1
    collector     = 'collect.ps1 1'
    collectedAt   = (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
    hostname      = $env:COMPUTERNAME
    volumeSerial  = $disk.VolumeSerialNumber
    systemDrive   = $env:SystemDrive
    is64Bit       = $is64
    processes     = $processes
    registry      = $registry
    services      = $services
    folders       = $folders
    systemFiles   = $systemFiles
    allowlist     = @($allow.Keys | Sort-Object)
}

$stamp = Get-Date -Format 'yyyyMMddHHmmss'
$out = Join-Path (Resolve-Path -LiteralPath $OutputDirectory) "$($env:COMPUTERNAME)_$($stamp)_emoguard-snapshot.json"
$json = $snapshot | ConvertTo-Json -Depth 12 -Compress
[System.IO.File]::WriteAllText($out, $json, (New-Object System.Text.UTF8Encoding $false))
Write-Output $out
