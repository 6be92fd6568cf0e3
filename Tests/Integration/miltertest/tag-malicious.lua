-- Tag path for a malicious mail (on_malicious: tag): passes, tagged malicious with findings, Subject prefixed.
--! on_clean: tag
--! on_malicious: tag
--! subject_prefix: "[EMOTET] "
dofile(LIB)

local conn = open_connection()
connect_client(conn)
local headers, body = malicious_message()
send_message(conn, headers, body)
expect_pass(conn)
expect_header(conn, "X-Emoguard-Verdict", "malicious")
expect_header(conn, "X-Emoguard-Score")
expect_header(conn, "X-Emoguard-Findings")
check(mt.eom_check(conn, MT_HDRCHANGE, "Subject"), "Subject not changed although subject_prefix is set")

mt.disconnect(conn)
mt.echo("tag-malicious: Emotet-style mail tagged malicious, Subject prefixed")
