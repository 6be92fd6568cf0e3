var sh = WScript.CreateObject("WScript.Shell");
sh.Run("powershell -nop -w hidden -c \"Write-Output harmless\"", 0);
