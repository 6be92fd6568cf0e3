-- An aborted transaction (SMFIC_ABORT after the headers, as on RSET) leaves the connection usable:
-- the next message is scanned on its own (the malicious one is rejected, not mixed with the aborted one).
--! on_clean: tag
--! on_malicious: reject
--! reject_reply: "550 5.7.1 Message rejected as Emotet-style malspam"
dofile(LIB)

local conn = open_connection()
connect_client(conn)

-- Start a clean message, send its headers, then abort.
mt.macro(conn, SMFIC_MAIL, "{mail_addr}", "alice@sender.example.org", "i", "4XIT0000001")
if not mt.test_option(conn, SMFIP_NOMAIL) then
  check(mt.mailfrom(conn, "<alice@sender.example.org>") == nil, "mt.mailfrom failed")
end
if not mt.test_option(conn, SMFIP_NORCPT) then
  check(mt.rcptto(conn, "<user@example.test>") == nil, "mt.rcptto failed")
end
if not mt.test_option(conn, SMFIP_NOHDRS) then
  local headers = plain_message("aborted")
  for _, h in ipairs(headers) do
    check(mt.header(conn, h.name, h.value) == nil, "mt.header failed")
  end
end
check(mt.abort(conn) == nil, "mt.abort failed")

local headers, body = malicious_message()
send_message(conn, headers, body, {queue_id = "4XIT0000002"})
expect_replycode(conn, "550", "5.7.1", "Message rejected as Emotet-style malspam")

headers, body = plain_message("after-abort")
send_message(conn, headers, body, {queue_id = "4XIT0000003"})
expect_pass(conn)
expect_header(conn, "X-Emoguard-Verdict", "clean")

mt.disconnect(conn)
mt.echo("abort: aborted transaction, then reject and tag on the same connection")
