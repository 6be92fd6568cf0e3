-- A 2 MB body, over memory_body_bytes (64 KiB): spooled to --spool-dir, scanned whole, tagged clean.
-- miltertest.sh checks that the spool folder is empty once the milter has stopped.
--! on_clean: tag
--! on_malicious: reject
--! memory_body_bytes: 65536
--! reject_reply: "550 5.7.1 Message rejected as Emotet-style malspam"
--@ verdict=clean
dofile(LIB)

local conn = open_connection()
connect_client(conn)
local headers, body = big_plain_message(2 * 1024 * 1024, "spool")
local early = send_message_early(conn, headers, body)
check(early == nil, "the milter answered a body chunk with " .. reply_name(early))
expect_pass(conn)
expect_header(conn, "X-Emoguard-Verdict", "clean")

-- The Emotet-style mail after it on the same connection is still caught.
headers, body = malicious_message()
send_message(conn, headers, body, {queue_id = "4XIT0000002"})
expect_replycode(conn, "550", "5.7.1", "Message rejected as Emotet-style malspam")

mt.disconnect(conn)
mt.echo("spool: 2 MiB body over memory_body_bytes tagged clean; the Emotet-style mail after it rejected")
