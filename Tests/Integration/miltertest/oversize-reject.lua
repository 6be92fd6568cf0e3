-- A message over max_message_bytes with on_oversize: reject is refused with reject_reply (at a body chunk or at
-- end of message).
--! on_clean: tag
--! on_malicious: reject
--! max_message_bytes: 100000
--! on_oversize: reject
--! reject_reply: "550 5.7.1 Message rejected as Emotet-style malspam"
dofile(LIB)

local conn = open_connection()
connect_client(conn)
local headers, body = big_plain_message(300 * 1024, "oversize")
local early = send_message_early(conn, headers, body)
local where
if early ~= nil then
  check(early == SMFIR_REPLYCODE or early == SMFIR_REJECT,
        "body chunk answered with " .. reply_name(early) .. ", expected a rejection")
  where = "at a body chunk (" .. reply_name(early) .. ")"
else
  expect_replycode(conn, "550", "5.7.1", "Message rejected as Emotet-style malspam")
  where = "at end of message"
end

mt.disconnect(conn)
mt.echo("oversize-reject: 300 KiB over a 100000-byte limit rejected " .. where)
