-- The milter on a Unix socket (--listen unix:PATH), started over the stale socket file of a milter killed with
-- SIGKILL: a clean mail is tagged, the Emotet-style one rejected, over one connection.
--% unix
--! on_clean: tag
--! on_malicious: reject
--! reject_reply: "550 5.7.1 Message rejected as Emotet-style malspam"
dofile(LIB)

local conn = open_connection()
connect_client(conn)
local headers, body = clean_message()
send_message(conn, headers, body)
expect_pass(conn)
expect_header(conn, "X-Emoguard-Verdict", "clean")

headers, body = malicious_message()
send_message(conn, headers, body, {queue_id = "4XIT0000002"})
expect_replycode(conn, "550", "5.7.1", "Message rejected as Emotet-style malspam")

mt.disconnect(conn)
mt.echo("unix-socket: " .. SOCKET .. " (over a stale socket file): tagged clean, rejected the Emotet-style mail")
