@echo off
rem Nightly housekeeping for the shared reports folder.
setlocal
set SRC=D:\Reports
set DST=\\fileserver\archive\reports
if not exist "%DST%" mkdir "%DST%"
robocopy "%SRC%" "%DST%" /E /XO /R:2 /W:5 /LOG:"%SRC%\robocopy.log"
echo Reports archived on %DATE% at %TIME%.
endlocal
