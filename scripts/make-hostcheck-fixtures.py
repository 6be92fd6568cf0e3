#!/usr/bin/env python3
"""Builds the HostCheck test collections (issue 4) and the values the tests compare against.

    scripts/make-hostcheck-fixtures.py                    # regenerate everything under Tests/HostCheckTests/Resources/hostcheck
    scripts/make-hostcheck-fixtures.py --v1-table         # print EmoCheck v1 names for a few serials
    scripts/make-hostcheck-fixtures.py --materialize NAME DEST   # build collection NAME as a folder (touch -d, truncate)
    scripts/make-hostcheck-fixtures.py --materialize all DEST    # every collection, DEST/<name>/

What it writes (all small; nothing here is malware: "PE" files are 512-byte MZ/PE header stubs with no code):

- hives/NTUSER-fixtures.DAT.xz: the real NTUSER.DAT of regipy's corpus (Tests/Corpus/regipy-hives, MIT) plus the
  values of every infected collection (Run values, the v2 Explorer value, the allowlisted Citrix Run value), added
  with `hivexregedit --merge` from Debian's libwin-hivex-perl (installed if missing).
- hives/SYSTEM-fixtures.xz, hives/SOFTWARE-fixtures.xz: small hives made from regipy's SAM (its keys deleted) with
  a computer name, services, HKLM Run and the WOW6432Node Explorer value.
- processes/*: process lists in the formats Emoguard reads (tasklist English/Japanese in CP932, Export-Csv of
  Win32_Process, Volatility 3 pslist/cmdline as text and CSV) and a Japanese `vol` output (CP932).
- collections.json: one entry per collection: its files (path, content, size, sparse, mtime), folder mtimes, hives,
  process lists, volume serial and what the check must find. The Swift tests build each collection from it in a
  temporary folder (sparse files, utimensat); --materialize does the same with touch -d and truncate -s.
- v1-names.json: EmoCheck's v1 process names for several serials, computed by this script's own
  reimplementation of scan_v1.cpp (GenerateEmotetProcessName / SelectWordFromKeywords), not by the Swift code.
"""
import json
import lzma
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Tests/Corpus/regipy-hives")
OUT = os.path.join(ROOT, "Tests/HostCheckTests/Resources/hostcheck")

# --- EmoCheck v1 (scan_v1.cpp), reimplemented independently -------------------------------------------------------

KEYWORDS = ("duck,mfidl,targets,ptr,khmer,purge,metrics,acc,inet,msra,symbol,driver,"
            "sidebar,restore,msg,volume,cards,shext,query,roam,etw,mexico,basic,url,"
            "createa,blb,pal,cors,send,devices,radio,bid,format,thrd,taskmgr,timeout,"
            "vmd,ctl,bta,shlp,avi,exce,dbt,pfx,rtp,edge,mult,clr,wmistr,ellipse,vol,"
            "cyan,ses,guid,wce,wmp,dvb,elem,channel,space,digital,pdeft,violet,thunk")


def select_word(ptr):
    """SelectWordFromKeywords: back to the comma before ptr (never looking at index 0), then on to the next comma."""
    i = ptr
    while i > 0:
        if KEYWORDS[i] == ",":
            ptr = i
            break
        i -= 1
    if KEYWORDS[ptr] == ",":
        ptr += 1
    word = ""
    for j in range(ptr, len(KEYWORDS)):
        if KEYWORDS[j] == ",":
            break
        word += KEYWORDS[j]
    return word


def v1_name(serial):
    n = len(KEYWORDS)
    q = serial // n
    return select_word(serial % n) + select_word((0xFFFFFFFF - q) % n) + ".exe"


V1_SERIALS = [0, 1, 2, 3, 4, 5, 355, 356, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0x1234ABCD, 0xDEADBEEF, 0x5E1A7C39,
              0xA4C2F3E1]


def v2_encode(name, serial):
    key = serial.to_bytes(4, "little")
    return bytes(b ^ key[i % 4] for i, b in enumerate(name.encode()))


# --- Collections ---------------------------------------------------------------------------------------------------

L = "Users/alice/AppData/Local"
WL = r"C:\Users\alice\AppData\Local"
SERIAL = {"v1": 0x5E1A7C39, "v2": 0x1234ABCD, "v3": 0x0BADF00D, "v4": 0x0C0FFEE0, "v5": 0x5EED5EED,
          "2022-2023": 0x2022A5A5, "clean-sidebar": 0xA4C2F3E1, "clean-random-folders": 0x13572468,
          "clean-allowlist": 0x0C1EA700}
V1_NAME = v1_name(SERIAL["v1"])          # multformat.exe
V1_BASE = V1_NAME[:-4]
V2_USER_NAME = "ellipsebid"
V2_ADMIN_NAME = "devicesthrd"

RUN = r"Software\Microsoft\Windows\CurrentVersion\Run"
NTUSER_VALUES = {
    RUN: [
        ("str", V1_BASE, WL + "\\" + V1_BASE + "\\" + V1_NAME),
        ("str", "wscapi", WL + r"\wscapi\wscapi.exe"),
        ("str", "tpnwddz.bkq", r'C:\Windows\SysWOW64\rundll32.exe "' + WL + r'\Wchcwjd\tpnwddz.bkq",RunDLL'),
        ("str", "Mfvqkzlswp", r'C:\Windows\system32\regsvr32.exe /s "' + WL + r'\Mfvqkzlswp\ghtbnlx.dxl"'),
        ("str", "CitrixReceiver", r'C:\Windows\System32\rundll32.exe "' + WL + r'\Citrix\wfshell.cpl",Control_RunDLL'),
    ],
    r"Software\Microsoft\Windows\CurrentVersion\Explorer": [
        ("bin", format(SERIAL["v2"], "x"), v2_encode(V2_USER_NAME, SERIAL["v2"])),
    ],
}
SYSTEM_VALUES = {
    r"Select": [("dword", "Current", 1), ("dword", "Default", 1)],
    r"ControlSet001\Control\ComputerName\ComputerName": [("str", "ComputerName", "DESKTOP-EMO01")],
    r"ControlSet001\Services\abcdefg.xyz": [
        ("expand", "ImagePath",
         r'C:\Windows\SysWOW64\rundll32.exe "C:\Windows\SysWOW64\Qjzyxkv\abcdefg.xyz",Control_RunDLL'),
        ("dword", "Start", 2), ("dword", "Type", 16)],
    r"ControlSet001\Services\Fwpzrhwz": [
        ("expand", "ImagePath", r'C:\Windows\system32\regsvr32.exe /s "C:\Windows\system32\Fwpzrhwz\ntqcvb.dll"'),
        ("dword", "Start", 2), ("dword", "Type", 16)],
    r"ControlSet001\Services\Spooler": [
        ("expand", "ImagePath", r"%SystemRoot%\System32\spoolsv.exe"), ("dword", "Start", 2)],
    r"ControlSet001\Services\LanmanServer": [
        ("expand", "ImagePath", r"%SystemRoot%\system32\svchost.exe -k netsvcs -p"), ("dword", "Start", 2)],
}
SOFTWARE_VALUES = {
    r"Microsoft\Windows\CurrentVersion\Run": [
        ("expand", "SecurityHealth", r"%windir%\system32\SecurityHealthSystray.exe")],
    r"WOW6432Node\Microsoft\Windows\CurrentVersion\Run": [
        ("str", "Adobe Reader Speed Launcher", r'"C:\Program Files (x86)\Adobe\Reader\Reader_sl.exe"')],
    r"WOW6432Node\Microsoft\Windows\CurrentVersion\Explorer": [
        ("bin", format(SERIAL["v2"], "x"), v2_encode(V2_ADMIN_NAME, SERIAL["v2"]))],
}

T0 = "2023-03-07T09:00:00Z"   # default mtime


def pe(path, size=12288, mtime=T0, sparse=False):
    return {"path": path, "content": "pe", "size": size, "mtime": mtime, "sparse": sparse}


def text(path, body, mtime=T0):
    return {"path": path, "content": "text", "text": body, "mtime": mtime}


def boot(serial):
    return {"path": "$Boot", "content": "boot", "serial": format(serial, "08X"), "mtime": T0}


def system32(*extra):
    """A few System32 and SysWOW64 names (v3's keywords), with their sizes."""
    files = [pe("Windows/System32/wscapi.dll", 4096), pe("Windows/System32/certutil.exe", 20480),
             pe("Windows/System32/rundll32.exe", 8192), pe("Windows/System32/regsvr32.exe", 8192),
             pe("Windows/SysWOW64/rundll32.exe", 8192), pe("Windows/SysWOW64/regsvr32.exe", 8192),
             text("Windows/System32/drivers/etc/hosts", "127.0.0.1 localhost\n")]
    return files + list(extra)


INFECTED_HIVES = {"Users/alice/NTUSER.DAT": "hives/NTUSER-fixtures.DAT.xz",
                  "Windows/System32/config/SYSTEM": "hives/SYSTEM-fixtures.xz",
                  "Windows/System32/config/SOFTWARE": "hives/SOFTWARE-fixtures.xz"}
CLEAN_HIVES = {"Users/alice/NTUSER.DAT": "corpus:NTUSER.DAT.xz",
               "Windows/System32/config/SYSTEM": "corpus:SYSTEM.xz"}


def collections():
    return [
        {
            "name": "v1", "volume": "C",
            "description": "Emotet v1: process name from the volume serial ($Boot), running (tasklist, English)",
            "hives": INFECTED_HIVES,
            "files": system32(boot(SERIAL["v1"]), pe(f"{L}/{V1_BASE}/{V1_NAME}", 90112)),
            "processes": ["processes/v1-tasklist-en.csv"],
            "expect": {"exit": 1, "status": "infected", "hostname": "DESKTOP-EMO01",
                       "detections": [{"generation": "v1", "confirmation": "running", "process": V1_NAME,
                                       "file": WL + "\\" + V1_BASE + "\\" + V1_NAME, "pid": 2816}]},
        },
        {
            "name": "v2", "volume": "C%3A",
            "description": "Emotet v2: XOR-encoded name under Explorer (HKCU running, HKLM WOW6432Node not), serial from Japanese vol output",
            "hives": INFECTED_HIVES,
            "files": system32(),
            "processes": ["processes/v2-cim.csv"],
            "volumeSerial": "processes/v2-vol-ja.txt",
            "expect": {"exit": 1, "status": "infected",
                       "detections": [{"generation": "v2", "confirmation": "running", "process": V2_USER_NAME + ".exe",
                                       "pid": 3120},
                                      {"generation": "v2", "confirmation": "not-running",
                                       "process": V2_ADMIN_NAME + ".exe"}]},
        },
        {
            "name": "v3", "volume": "C",
            "description": "Emotet v3: wscapi\\wscapi.exe (a System32 name) with its Run value, running (Volatility text); certutil\\certutil.exe of System32's size is filtered out",
            "hives": INFECTED_HIVES,
            "files": system32(boot(SERIAL["v3"]), pe(f"{L}/wscapi/wscapi.exe", 40000),
                              pe(f"{L}/certutil/certutil.exe", 20480)),
            "processes": ["processes/v3-pslist.txt", "processes/v3-cmdline.txt"],
            "expect": {"exit": 1, "status": "infected",
                       "detections": [{"generation": "v3", "confirmation": "running", "process": "wscapi.exe",
                                       "file": WL + r"\wscapi\wscapi.exe", "pid": 4242}]},
        },
        {
            "name": "v4", "volume": "C",
            "description": "Emotet v4: random PE started by rundll32 from a Run value (user) and a service (SysWOW64, admin); no process list",
            "hives": INFECTED_HIVES,
            "files": system32(boot(SERIAL["v4"]), pe(f"{L}/Wchcwjd/tpnwddz.bkq"),
                              pe("Windows/SysWOW64/Qjzyxkv/abcdefg.xyz")),
            "processes": [],
            "expect": {"exit": 1, "status": "persistence-found",
                       "detections": [{"generation": "v4", "confirmation": "no-process-list",
                                       "file": WL + r"\Wchcwjd\tpnwddz.bkq"},
                                      {"generation": "v4", "confirmation": "no-process-list",
                                       "file": r"C:\Windows\SysWOW64\Qjzyxkv\abcdefg.xyz"}]},
        },
        {
            "name": "v5", "volume": "C",
            "description": "Emotet v5 (generic): a PE written exactly 7 days before its folder, running under rundll32 (Volatility CSV)",
            "hives": INFECTED_HIVES,
            "files": system32(boot(SERIAL["v5"]), pe(f"{L}/Xkqpzmw/ljbrtw.dll", mtime="2020-12-21T10:00:00Z")),
            "dirs": [{"path": f"{L}/Xkqpzmw", "mtime": "2020-12-28T10:00:00Z"}],
            "processes": ["processes/v5-pslist.csv", "processes/v5-cmdline.csv"],
            "expect": {"exit": 1, "status": "infected",
                       "detections": [{"generation": "v5", "confirmation": "running", "pid": 5012,
                                       "file": WL + r"\Xkqpzmw\ljbrtw.dll"}]},
        },
        {
            "name": "2022-2023", "volume": "C",
            "description": "Emotet 2022-2023: a 600 MB zero-padded DLL with a random extension started by regsvr32 /s from a Run value, and a 64-bit service in System32; tasklist in Japanese (no command lines)",
            "hives": INFECTED_HIVES,
            "files": system32(boot(SERIAL["2022-2023"]),
                              pe(f"{L}/Mfvqkzlswp/ghtbnlx.dxl", 600 << 20, sparse=True),
                              pe("Windows/System32/Fwpzrhwz/ntqcvb.dll", 532480)),
            "processes": ["processes/2022-tasklist-ja.csv"],
            "expect": {"exit": 1, "status": "persistence-found",
                       "detections": [{"generation": "2022-2023", "confirmation": "unverifiable",
                                       "file": WL + r"\Mfvqkzlswp\ghtbnlx.dxl", "padding": True},
                                      {"generation": "2022-2023", "confirmation": "unverifiable",
                                       "file": r"C:\Windows\System32\Fwpzrhwz\ntqcvb.dll"}]},
        },
        {
            "name": "clean-sidebar", "volume": "C",
            "description": "Clean: the real NTUSER.DAT (Run value Sidebar) and SYSTEM hives, a legitimate rundll32 process",
            "hives": CLEAN_HIVES,
            "files": system32(boot(SERIAL["clean-sidebar"]), text(f"{L}/Microsoft/Windows/UsrClass.dat", "x"),
                              text(f"{L}/Temp/setup.log", "ok\n"),
                              pe("Program Files/Windows Sidebar/sidebar.exe", 4096)),
            "processes": ["processes/clean-cim.csv"],
            "expect": {"exit": 0, "status": "clean", "hostname": "WKS-WIN732BITA", "detections": []},
        },
        {
            "name": "clean-random-folders", "volume": "C",
            "description": "Clean: GUID-named, Temp, vendor and random-looking folders with PE files under %LOCALAPPDATA%, a near miss of the 7-day rule (6 days), no launcher",
            "hives": CLEAN_HIVES,
            "files": system32(
                boot(SERIAL["clean-random-folders"]),
                pe(f"{L}/{{3D5A7B9C-1E2F-4A6B-8C0D-112233445566}}/setup.dll"),
                pe(f"{L}/Temp/nsq4A21.tmp"), text(f"{L}/Temp/~DF1234.TMP", "tmp"),
                pe(f"{L}/Temp/wixtmp.bin"),
                pe(f"{L}/Google/Update/GoogleUpdate.exe"), pe(f"{L}/Microsoft/OneDrive/OneDrive.exe"),
                pe(f"{L}/Programs/Zoom/bin/Zoom.exe"),
                pe(f"{L}/Xbhkqwzt/zzqxhyk.bin"),
                text(f"{L}/D3DSCache/8a2b3c4d5e6f7a8b/abcdef.idx", "cache"),
                pe(f"{L}/Vendorup/update.dll", mtime="2020-12-22T10:00:00Z")),
            "dirs": [{"path": f"{L}/Vendorup", "mtime": "2020-12-28T10:00:00Z"}],
            "processes": [],
            "expect": {"exit": 0, "status": "clean", "detections": []},
        },
        {
            "name": "clean-allowlist", "volume": "C",
            "description": "Clean: a rundll32 Run value on a PE with a three-letter extension in %LOCALAPPDATA%\\Citrix, allowed because Program Files holds a Citrix folder (EmoCheck v4's allowlist)",
            "hives": INFECTED_HIVES,
            "files": system32(boot(SERIAL["clean-allowlist"]), pe(f"{L}/Citrix/wfshell.cpl"),
                              pe("Program Files (x86)/Citrix/ICA Client/wfica32.exe", 4096)),
            "processes": [],
            "expect": {"exit": 0, "status": "clean", "detections": []},
        },
    ]


PROCESS_FILES = {
    "v1-tasklist-en.csv": (
        '"Image Name","PID","Session Name","Session#","Mem Usage","Status","User Name","CPU Time","Window Title"\r\n'
        '"System Idle Process","0","Services","0","8 K","Unknown","NT AUTHORITY\\SYSTEM","12:01:33","N/A"\r\n'
        '"explorer.exe","1880","Console","1","85,112 K","Running","DESKTOP-EMO01\\alice","0:00:12","N/A"\r\n'
        f'"{V1_NAME}","2816","Console","1","6,212 K","Unknown","DESKTOP-EMO01\\alice","0:00:00","N/A"\r\n'
        '"tasklist.exe","4100","Console","1","7,300 K","Unknown","DESKTOP-EMO01\\alice","0:00:00","N/A"\r\n',
        "ascii"),
    "v2-cim.csv": (
        '#TYPE Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_Process\r\n'
        '"ProcessName","Handles","VM","WS","Path","Caption","CommandLine","Description","ExecutablePath","Name","ProcessId"\r\n'
        '"explorer.exe","2210","4404019200","90112000","C:\\Windows\\Explorer.EXE","explorer.exe","C:\\Windows\\Explorer.EXE","explorer.exe","C:\\Windows\\Explorer.EXE","explorer.exe","1880"\r\n'
        f'"{V2_USER_NAME}.exe","180","50331648","6291456","{WL}\\{V2_USER_NAME}\\{V2_USER_NAME}.exe","{V2_USER_NAME}.exe","""{WL}\\{V2_USER_NAME}\\{V2_USER_NAME}.exe""","{V2_USER_NAME}.exe","{WL}\\{V2_USER_NAME}\\{V2_USER_NAME}.exe","{V2_USER_NAME}.exe","3120"\r\n'
        '"svchost.exe","500","2203318222848","20480000",,"svchost.exe",,"svchost.exe",,"svchost.exe","804"\r\n',
        "utf-8-sig"),
    "v2-vol-ja.txt": (" ドライブ C のボリューム ラベルは Windows です\r\n ボリューム シリアル番号は 1234-ABCD です\r\n", "cp932"),
    "v3-pslist.txt": (
        "Volatility 3 Framework 2.5.2\nProgress:  100.00\t\tPDB scanning finished                        \n"
        "PID\tPPID\tImageFileName\tOffset(V)\tThreads\tHandles\tSessionId\tWow64\tCreateTime\tExitTime\tFile output\n\n"
        "4\t0\tSystem\t0xfa8000c9e040\t95\t-\tN/A\tFalse\t2020-08-11 01:02:03.000000 \tN/A\tDisabled\n"
        "1880\t1812\texplorer.exe\t0xfa8001e4b060\t40\t-\t1\tFalse\t2020-08-11 01:03:00.000000 \tN/A\tDisabled\n"
        "4242\t1880\twscapi.exe\t0xfa80020a1b30\t6\t-\t1\tTrue\t2020-08-11 01:04:00.000000 \tN/A\tDisabled\n"
        "4300\t1880\tsetup.exe\t0xfa80020a2b30\t0\t-\t1\tTrue\t2020-08-11 01:04:30.000000 \t2020-08-11 01:05:00.000000 \tDisabled\n",
        "utf-8"),
    "v3-cmdline.txt": (
        "Volatility 3 Framework 2.5.2\nProgress:  100.00\t\tPDB scanning finished                        \n"
        "PID\tProcess\tArgs\n\n"
        "4\tSystem\tRequired memory at 0x20 is not valid (process exited?)\n"
        "1880\texplorer.exe\tC:\\Windows\\Explorer.EXE\n"
        f"4242\twscapi.exe\t\"{WL}\\wscapi\\wscapi.exe\"\n",
        "utf-8"),
    "v5-pslist.csv": (
        "TreeDepth,PID,PPID,ImageFileName,Offset(V),Threads,Handles,SessionId,Wow64,CreateTime,ExitTime,File output\n"
        "0,4,0,System,0xfa8000c9e040,95,,N/A,False,2020-12-28T10:00:00,,Disabled\n"
        "0,1880,1812,explorer.exe,0xfa8001e4b060,40,,1,False,2020-12-28T10:01:00,,Disabled\n"
        "0,5012,1880,rundll32.exe,0xfa80020a1b30,6,,1,True,2020-12-28T10:02:00,,Disabled\n",
        "utf-8"),
    "v5-cmdline.csv": (
        "TreeDepth,PID,Process,Args\n"
        "0,4,System,Required memory at 0x20 is not valid (process exited?)\n"
        "0,1880,explorer.exe,C:\\Windows\\Explorer.EXE\n"
        f"0,5012,rundll32.exe,\"C:\\Windows\\SysWOW64\\rundll32.exe \"\"{WL}\\Xkqpzmw\\ljbrtw.dll\"\",Control_RunDLL\"\n",
        "utf-8"),
    "2022-tasklist-ja.csv": (
        '"イメージ名","PID","セッション名","セッション#","メモリ使用量","状態","ユーザー名","CPU 時間","ウィンドウ タイトル"\r\n'
        '"System Idle Process","0","Services","0","8 K","Unknown","NT AUTHORITY\\SYSTEM","12:01:33","N/A"\r\n'
        '"explorer.exe","1880","Console","1","85,112 K","Running","DESKTOP-EMO01\\alice","0:00:12","N/A"\r\n'
        '"regsvr32.exe","6620","Console","1","9,800 K","Unknown","DESKTOP-EMO01\\alice","0:00:01","N/A"\r\n',
        "cp932"),
    "clean-cim.csv": (
        '"Name","ProcessId","ExecutablePath","CommandLine"\r\n'
        '"explorer.exe","1880","C:\\Windows\\Explorer.EXE","C:\\Windows\\Explorer.EXE"\r\n'
        '"sidebar.exe","2000","C:\\Program Files\\Windows Sidebar\\sidebar.exe","""C:\\Program Files\\Windows Sidebar\\sidebar.exe"" /autoRun"\r\n'
        '"rundll32.exe","2100","C:\\Windows\\system32\\rundll32.exe","C:\\Windows\\system32\\rundll32.exe shell32.dll,Control_RunDLL desk.cpl"\r\n',
        "utf-8"),
}


# --- Hives ---------------------------------------------------------------------------------------------------------

def ensure_hivex():
    if shutil.which("hivexregedit"):
        return
    print("installing libwin-hivex-perl (hivexregedit)...", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "libwin-hivex-perl"], check=False)
    if not shutil.which("hivexregedit"):
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(["apt-get", "install", "-y", "libwin-hivex-perl"], check=True)


def reg_text(values, deletions=()):
    """A .reg file for hivexregedit --merge (paths relative to the hive root)."""
    lines = ["Windows Registry Editor Version 5.00", ""]
    for d in deletions:
        lines += [f"[-\\{d}]", ""]
    # hivexregedit creates a key only under an existing parent: name every ancestor first.
    made = set()
    for key in values:
        parts = key.split("\\")
        for i in range(1, len(parts)):
            parent = "\\".join(parts[:i])
            if parent not in made and parent not in values:
                made.add(parent)
                lines += [f"[\\{parent}]", ""]
    for key, vals in values.items():
        lines.append(f"[\\{key}]")
        for kind, name, data in vals:
            qname = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
            if kind == "str":
                lines.append(qname + "=" + "hex(1):" + ",".join(f"{b:02x}" for b in (data + "\0").encode("utf-16-le")))
            elif kind == "expand":
                lines.append(qname + "=" + "hex(2):" + ",".join(f"{b:02x}" for b in (data + "\0").encode("utf-16-le")))
            elif kind == "dword":
                lines.append(qname + f"=dword:{data:08x}")
            elif kind == "bin":
                lines.append(qname + "=hex(3):" + ",".join(f"{b:02x}" for b in data))
        lines.append("")
    return "\n".join(lines) + "\n"


def build_hive(base_xz, values, deletions, out_xz):
    with tempfile.TemporaryDirectory() as tmp:
        hive = os.path.join(tmp, "hive")
        with lzma.open(base_xz) as f, open(hive, "wb") as g:
            g.write(f.read())
        reg = os.path.join(tmp, "values.reg")
        with open(reg, "w", encoding="utf-8") as f:
            f.write(reg_text(values, deletions))
        subprocess.run(["hivexregedit", "--merge", hive, reg], check=True)
        with open(hive, "rb") as f, lzma.open(out_xz, "wb", preset=9 | lzma.PRESET_EXTREME) as g:
            g.write(f.read())


def build_hives():
    ensure_hivex()
    os.makedirs(os.path.join(OUT, "hives"), exist_ok=True)
    build_hive(os.path.join(CORPUS, "NTUSER.DAT.xz"), NTUSER_VALUES, [],
               os.path.join(OUT, "hives/NTUSER-fixtures.DAT.xz"))
    # SAM's keys deleted, then SYSTEM's and SOFTWARE's keys added: two small hives.
    build_hive(os.path.join(CORPUS, "SAM.xz"), SYSTEM_VALUES, ["SAM"], os.path.join(OUT, "hives/SYSTEM-fixtures.xz"))
    build_hive(os.path.join(CORPUS, "SAM.xz"), SOFTWARE_VALUES, ["SAM"], os.path.join(OUT, "hives/SOFTWARE-fixtures.xz"))


# --- Files ---------------------------------------------------------------------------------------------------------

def pe_stub():
    """A 512-byte benign PE header: MZ, e_lfanew = 0x40, PE signature, a COFF header with no sections, an
    optional header with its magic only. No code, no imports."""
    b = bytearray(512)
    b[0:2] = b"MZ"
    b[0x3C:0x40] = (0x40).to_bytes(4, "little")
    b[0x40:0x44] = b"PE\0\0"
    coff = 0x44
    b[coff:coff + 2] = (0x014C).to_bytes(2, "little")           # i386
    b[coff + 16:coff + 18] = (0xE0).to_bytes(2, "little")       # SizeOfOptionalHeader
    b[coff + 18:coff + 20] = (0x2102).to_bytes(2, "little")     # executable, 32-bit, DLL
    b[coff + 20:coff + 22] = (0x010B).to_bytes(2, "little")     # PE32 magic
    marker = b"emoguard test stub: a PE header with no code"
    b[0x200 - len(marker) - 1:0x200 - 1] = marker
    return bytes(b)


def boot_sector(serial):
    b = bytearray(512)
    b[0:3] = b"\xEB\x52\x90"
    b[3:11] = b"NTFS    "
    b[0x0B:0x0D] = (512).to_bytes(2, "little")
    b[0x0D] = 8
    b[0x48:0x50] = (0x3A4B000000000000 | serial).to_bytes(8, "little")
    b[510:512] = b"\x55\xAA"
    return bytes(b)


def materialize(c, dest):
    """Builds collection `c` in dest: dest/<volume>/... plus the process lists beside it."""
    vol = os.path.join(dest, c["volume"])
    os.makedirs(vol, exist_ok=True)
    for rel, res in c["hives"].items():
        path = os.path.join(vol, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        src = os.path.join(CORPUS, res[7:]) if res.startswith("corpus:") else os.path.join(OUT, res)
        with lzma.open(src) as f, open(path, "wb") as g:
            g.write(f.read())
    for f in c["files"]:
        path = os.path.join(vol, f["path"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if f["content"] == "pe":
            data = pe_stub()
        elif f["content"] == "boot":
            data = boot_sector(int(f["serial"], 16))
        else:
            data = f["text"].encode()
        with open(path, "wb") as g:
            g.write(data)
        if f.get("size", len(data)) > len(data):
            if f.get("sparse"):
                subprocess.run(["truncate", "-s", str(f["size"]), path], check=True)
            else:
                with open(path, "ab") as g:
                    # Non-zero filler, so that a small file is not taken for padding.
                    g.write((b"emoguard fixture filler. " * (f["size"] // 25 + 1))[:f["size"] - len(data)])
        subprocess.run(["touch", "-d", f["mtime"], path], check=True)
    for p in c.get("processes", []) + ([c["volumeSerial"]] if "volumeSerial" in c else []):
        shutil.copy(os.path.join(OUT, p), os.path.join(dest, os.path.basename(p)))
    # Folder times last (creating files changes them): listed folders, then every other folder at T0.
    dirs = {d["path"]: d["mtime"] for d in c.get("dirs", [])}
    for root, subdirs, _ in os.walk(vol, topdown=False):
        rel = os.path.relpath(root, vol)
        subprocess.run(["touch", "-d", dirs.get(rel, T0), root], check=True)


def write_resources():
    os.makedirs(os.path.join(OUT, "processes"), exist_ok=True)
    for name, (body, enc) in PROCESS_FILES.items():
        with open(os.path.join(OUT, "processes", name), "wb") as f:
            f.write(body.encode(enc))
    with open(os.path.join(OUT, "collections.json"), "w", encoding="utf-8") as f:
        json.dump({"generatedBy": "scripts/make-hostcheck-fixtures.py", "serials": {k: format(v, "08X") for k, v in SERIAL.items()},
                   "collections": collections()}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(OUT, "v1-names.json"), "w", encoding="utf-8") as f:
        json.dump({"algorithm": "EmoCheck emocheck/modules/scan_v1.cpp, reimplemented in scripts/make-hostcheck-fixtures.py",
                   "names": {format(s, "08X"): v1_name(s) for s in V1_SERIALS}}, f, indent=1)
        f.write("\n")


def main(argv):
    if argv[:1] == ["--v1-table"]:
        for s in V1_SERIALS:
            print(f"0x{s:08X} {v1_name(s)}")
        return
    if argv[:1] == ["--materialize"] and len(argv) == 3:
        name, dest = argv[1], argv[2]
        for c in collections():
            if name == "all":
                materialize(c, os.path.join(dest, c["name"]))
            elif c["name"] == name:
                materialize(c, dest)
                return
        if name != "all":
            sys.exit(f"no collection {name}")
        return
    write_resources()
    build_hives()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
