-- Tempfail path: the Emotet-style mail with on_malicious: tempfail gets a temporary failure, either
-- SMFIR_REPLYCODE with tempfail_reply ("451 4.7.1 ...") or a bare SMFIR_TEMPFAIL.
--! on_clean: tag
--! on_malicious: tempfail
--! tempfail_reply: "451 4.7.1 Message could not be scanned, try again later"
dofile(LIB)

local conn = open_connection()
connect_client(conn)
local headers, body = malicious_message()
send_message(conn, headers, body)
local r = mt.getreply(conn)
if r == SMFIR_REPLYCODE then
  check(mt.eom_check(conn, MT_SMTPREPLY, "451", "4.7.1", "Message could not be scanned, try again later"),
        "the SMTP reply is not \"451 4.7.1 Message could not be scanned, try again later\"")
else
  check(r == SMFIR_TEMPFAIL, "end of message: expected SMFIR_REPLYCODE 451 or SMFIR_TEMPFAIL, got " .. reply_name(r))
end
check(not mt.eom_check(conn, MT_QUARANTINE), "quarantined as well as tempfailed")

mt.disconnect(conn)
mt.echo("tempfail: Emotet-style mail answered with a temporary failure (" .. reply_name(r) .. ")")
