-- Reject path: the Emotet-style mail with on_malicious: reject gets SMFIR_REPLYCODE "550 5.7.1 ...".
--! on_clean: tag
--! on_malicious: reject
--! reject_reply: "550 5.7.1 Message rejected as Emotet-style malspam"
--@ queue_id=4XIT0000001
--@ verdict=malicious
dofile(LIB)

local conn = open_connection()
connect_client(conn)
local headers, body = malicious_message()
send_message(conn, headers, body)
expect_replycode(conn, "550", "5.7.1", "Message rejected as Emotet-style malspam")
check(not mt.eom_check(conn, MT_QUARANTINE), "quarantined as well as rejected")

-- After a rejection the connection carries on: the next (clean) message is tagged.
headers, body = clean_message()
send_message(conn, headers, body, {queue_id = "4XIT0000002"})
expect_pass(conn)
expect_header(conn, "X-Emoguard-Verdict", "clean")

mt.disconnect(conn)
mt.echo("reject: Emotet-style mail rejected with 550 5.7.1; next message on the connection tagged clean")
