-- A message over max_message_bytes with on_oversize: tag passes unscanned: X-Emoguard-Verdict: unscanned.
--! on_clean: tag
--! on_malicious: reject
--! max_message_bytes: 100000
--! on_oversize: tag
dofile(LIB)

local conn = open_connection()
connect_client(conn)
local headers, body = big_plain_message(300 * 1024, "oversize")
local early = send_message_early(conn, headers, body)
check(early == nil, "the milter answered a body chunk with " .. reply_name(early))
expect_pass(conn)
expect_header(conn, "X-Emoguard-Verdict", "unscanned")

-- A small message afterwards is scanned as usual.
headers, body = plain_message("after-oversize")
send_message(conn, headers, body, {queue_id = "4XIT0000002"})
expect_pass(conn)
expect_header(conn, "X-Emoguard-Verdict", "clean")

mt.disconnect(conn)
mt.echo("oversize-tag: 300 KiB over a 100000-byte limit passed as unscanned; next message tagged clean")
