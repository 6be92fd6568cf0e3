-- Shared helpers for the miltertest scripts in this folder (loaded with dofile, not a test of its own).
--
-- Globals set by miltertest.sh with -D:
--   SOCKET    the milter's socket, e.g. inet:40123@127.0.0.1
--   EXAMPLES  the repository's Examples folder
--   LIB       this file (the scripts load it with dofile(LIB))

if SOCKET == nil then error("run through miltertest.sh (SOCKET is not set)") end

mt.set_timeout(30)

local names = {}
for _, n in ipairs({"SMFIR_ACCEPT", "SMFIR_CONTINUE", "SMFIR_REJECT", "SMFIR_TEMPFAIL", "SMFIR_DISCARD",
                    "SMFIR_REPLYCODE", "SMFIR_SKIP"}) do
  if _G[n] ~= nil then names[math.floor(_G[n])] = n end
end

-- A reply code as text: "SMFIR_CONTINUE ('c')".
function reply_name(r)
  if r == nil then return "nil" end
  local i = math.floor(r)
  local c = (i >= 32 and i < 127) and string.char(i) or ("\\" .. i)
  return (names[i] or "?") .. " ('" .. c .. "')"
end

-- miltertest swallows Lua errors (exit status 1, no message): miltertest.sh runs each script through a pcall
-- wrapper that prints the error; fail() raises one.
function fail(msg)
  error("FAIL: " .. msg, 0)
end

function check(cond, msg)
  if not cond then fail(msg) end
end

-- Reads an .eml file: a list of {name, value} headers (folded lines kept, joined with "\n") and the body with
-- CRLF line ends, as an MTA passes them to a milter.
function load_message(path)
  local f = io.open(path, "rb")
  if f == nil then fail("cannot open " .. path) end
  local data = f:read("a")
  f:close()
  data = data:gsub("\r\n", "\n")
  local head, body
  local sep = data:find("\n\n", 1, true)
  if sep then
    head = data:sub(1, sep)
    body = data:sub(sep + 2)
  else
    head = data .. "\n"
    body = ""
  end
  local headers = {}
  for line in head:gmatch("([^\n]*)\n") do
    if line:match("^[ \t]") and #headers > 0 then
      headers[#headers].value = headers[#headers].value .. "\n" .. line
    elseif line ~= "" then
      local name, value = line:match("^([^:%s]+):[ \t]*(.*)$")
      if name == nil then fail("bad header line in " .. path .. ": " .. line) end
      table.insert(headers, {name = name, value = value})
    end
  end
  body = body:gsub("\n", "\r\n")
  return headers, body
end

function clean_message()
  return load_message(EXAMPLES .. "/ordinary-ppap.eml")
end

function malicious_message()
  return load_message(EXAMPLES .. "/emotet-style-reply.eml")
end

-- A small plain-text mail, built here.
function plain_message(marker)
  local headers = {
    {name = "From", value = "Alice <alice@sender.example.org>"},
    {name = "To", value = "user@example.test"},
    {name = "Subject", value = "Lunch on Friday " .. (marker or "")},
    {name = "Date", value = "Tue, 07 Mar 2023 10:15:00 +0900"},
    {name = "Message-ID", value = "<plain." .. (marker or "1") .. "@sender.example.org>"},
    {name = "MIME-Version", value = "1.0"},
    {name = "Content-Type", value = "text/plain; charset=us-ascii"},
  }
  local body = "Hi,\r\n\r\nshall we meet at noon on Friday?\r\n\r\nAlice\r\n"
  return headers, body
end

function expect_continue(conn, step)
  local r = mt.getreply(conn)
  if r ~= SMFIR_CONTINUE then
    fail(step .. ": expected SMFIR_CONTINUE, got " .. reply_name(r))
  end
end

-- Opens a connection and negotiates (miltertest offers protocol version 6, every action and step).
function open_connection()
  local conn = mt.connect(SOCKET, 20, 0.25)
  if conn == nil then fail("mt.connect(" .. SOCKET .. ") failed") end
  local err = mt.negotiate(conn, nil, nil, nil)
  if err ~= nil then fail("mt.negotiate: " .. tostring(err)) end
  return conn
end

-- The connection stage: {client_addr} and friends as macros, then connect and HELO (unless the milter opted out).
function connect_client(conn, opts)
  opts = opts or {}
  local ip = opts.client_ip or "203.0.113.25"
  local host = opts.client_name or "mail.sender.example.org"
  mt.macro(conn, SMFIC_CONNECT, "j", "mx.example.test", "{daemon_name}", "emoguard-it",
           "{client_addr}", ip, "{client_name}", host)
  if not mt.test_option(conn, SMFIP_NOCONNECT) then
    local err = mt.conninfo(conn, host, ip)
    if err ~= nil then fail("mt.conninfo: " .. tostring(err)) end
    expect_continue(conn, "connect")
  end
  if not mt.test_option(conn, SMFIP_NOHELO) then
    local err = mt.helo(conn, opts.helo or "mail.sender.example.org")
    if err ~= nil then fail("mt.helo: " .. tostring(err)) end
    expect_continue(conn, "helo")
  end
end

-- One transaction up to and including end of message. Returns nothing; inspect with mt.getreply/mt.eom_check.
function send_message(conn, headers, body, opts)
  opts = opts or {}
  local from = opts.from or "<yamada@partner.example.invalid>"
  local rcpts = opts.rcpts or {"<user@example.test>"}
  local qid = opts.queue_id or "4XIT0000001"
  mt.macro(conn, SMFIC_MAIL, "{mail_addr}", from:gsub("[<>]", ""), "i", qid)
  if not mt.test_option(conn, SMFIP_NOMAIL) then
    local err = mt.mailfrom(conn, from)
    if err ~= nil then fail("mt.mailfrom: " .. tostring(err)) end
    expect_continue(conn, "mail")
  end
  for _, rcpt in ipairs(rcpts) do
    mt.macro(conn, SMFIC_RCPT, "{rcpt_addr}", (rcpt:gsub("[<>]", "")))
    if not mt.test_option(conn, SMFIP_NORCPT) then
      local err = mt.rcptto(conn, rcpt)
      if err ~= nil then fail("mt.rcptto: " .. tostring(err)) end
      expect_continue(conn, "rcpt " .. rcpt)
    end
  end
  if not mt.test_option(conn, SMFIP_NOHDRS) then
    for _, h in ipairs(headers) do
      local err = mt.header(conn, h.name, h.value)
      if err ~= nil then fail("mt.header(" .. h.name .. "): " .. tostring(err)) end
      expect_continue(conn, "header " .. h.name)
    end
  end
  if not mt.test_option(conn, SMFIP_NOEOH) then
    local err = mt.eoh(conn)
    if err ~= nil then fail("mt.eoh: " .. tostring(err)) end
    expect_continue(conn, "eoh")
  end
  if not mt.test_option(conn, SMFIP_NOBODY) then
    local chunk = 65535
    local i = 1
    while i <= #body do
      local err = mt.bodystring(conn, body:sub(i, i + chunk - 1))
      if err ~= nil then fail("mt.bodystring: " .. tostring(err)) end
      local r = mt.getreply(conn)
      if r == SMFIR_SKIP then break end
      if r ~= SMFIR_CONTINUE then fail("body: expected SMFIR_CONTINUE or SMFIR_SKIP, got " .. reply_name(r)) end
      i = i + chunk
    end
  end
  -- End-of-message macros ('E'), as Postfix sends them before SMFIC_BODYEOB.
  mt.macro(conn, string.byte("E"), "i", qid, "{client_addr}", opts.client_ip or "203.0.113.25")
  local err = mt.eom(conn)
  if err ~= nil then fail("mt.eom: " .. tostring(err)) end
end

-- Was a header added (SMFIR_ADDHEADER or SMFIR_INSHEADER), optionally with this exact value?
function header_added(conn, name, value)
  if value == nil then
    return mt.eom_check(conn, MT_HDRADD, name) or mt.eom_check(conn, MT_HDRINSERT, name)
  end
  return mt.eom_check(conn, MT_HDRADD, name, value) or mt.eom_check(conn, MT_HDRINSERT, name, value)
end

function expect_header(conn, name, value)
  if not header_added(conn, name, value) then
    local seen = mt.getheader(conn, name, 0)
    fail("no " .. name .. (value and (": " .. value) or "") .. " header added (value seen: " .. tostring(seen) .. ")")
  end
end

function expect_no_emoguard_headers(conn)
  for _, n in ipairs({"X-Emoguard-Verdict", "X-Emoguard-Score", "X-Emoguard-Findings"}) do
    check(not header_added(conn, n), n .. " added although the policy is accept")
  end
end

-- The end-of-message reply lets the message through (continue or accept), no reply code, no quarantine.
function expect_pass(conn, allow_quarantine)
  local r = mt.getreply(conn)
  check(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT,
        "end of message: expected SMFIR_CONTINUE or SMFIR_ACCEPT, got " .. reply_name(r))
  if not allow_quarantine then
    check(not mt.eom_check(conn, MT_QUARANTINE), "quarantined a message that should pass")
  end
end

-- A reply code as configured: SMFIR_REPLYCODE carrying "code ext text" (e.g. "550", "5.7.1", "Message ...").
function expect_replycode(conn, code, ext, text)
  local r = mt.getreply(conn)
  check(r == SMFIR_REPLYCODE, "end of message: expected SMFIR_REPLYCODE, got " .. reply_name(r))
  check(mt.eom_check(conn, MT_SMTPREPLY, code, ext, text),
        "the SMTP reply is not \"" .. code .. " " .. ext .. " " .. text .. "\"")
end

-- A plain-text mail with a body of about n bytes (numbered lines of ordinary prose).
function big_plain_message(n, marker)
  local headers = plain_message(marker)
  local lines = {}
  local size = 0
  local i = 0
  while size < n do
    local line = string.format("%07d The committee discussed the budget for the next quarter and agreed.\r\n", i)
    lines[#lines + 1] = line
    size = size + #line
    i = i + 1
  end
  return headers, table.concat(lines)
end

-- Sends the envelope and headers, then the body in 65535-byte chunks, stopping early if the milter answers a
-- chunk with anything but continue (returned), else end of message (returns nil; see mt.getreply).
function send_message_early(conn, headers, body, opts)
  opts = opts or {}
  local qid = opts.queue_id or "4XIT0000001"
  mt.macro(conn, SMFIC_MAIL, "{mail_addr}", "alice@sender.example.org", "i", qid)
  if not mt.test_option(conn, SMFIP_NOMAIL) then
    check(mt.mailfrom(conn, "<alice@sender.example.org>") == nil, "mt.mailfrom failed")
    expect_continue(conn, "mail")
  end
  if not mt.test_option(conn, SMFIP_NORCPT) then
    check(mt.rcptto(conn, "<user@example.test>") == nil, "mt.rcptto failed")
    expect_continue(conn, "rcpt")
  end
  if not mt.test_option(conn, SMFIP_NOHDRS) then
    for _, h in ipairs(headers) do
      check(mt.header(conn, h.name, h.value) == nil, "mt.header failed")
      expect_continue(conn, "header " .. h.name)
    end
  end
  if not mt.test_option(conn, SMFIP_NOEOH) then
    check(mt.eoh(conn) == nil, "mt.eoh failed")
    expect_continue(conn, "eoh")
  end
  if not mt.test_option(conn, SMFIP_NOBODY) then
    local i = 1
    while i <= #body do
      check(mt.bodystring(conn, body:sub(i, i + 65534)) == nil, "mt.bodystring failed")
      local r = mt.getreply(conn)
      if r == SMFIR_SKIP then break end
      if r ~= SMFIR_CONTINUE then return r end
      i = i + 65535
    end
  end
  mt.macro(conn, string.byte("E"), "i", qid, "{client_addr}", "203.0.113.25")
  check(mt.eom(conn) == nil, "mt.eom failed")
  return nil
end
