-- Quarantine path: the Emotet-style mail with on_malicious: quarantine gets SMFIR_QUARANTINE, is tagged
-- X-Emoguard-Verdict: malicious, and is let through (continue/accept) for the MTA to hold.
--! on_clean: tag
--! on_malicious: quarantine
--@ verdict=malicious
dofile(LIB)

local conn = open_connection()
check(mt.test_action(conn, SMFIF_QUARANTINE), "the milter did not ask for SMFIF_QUARANTINE in negotiation")
connect_client(conn)
local headers, body = malicious_message()
send_message(conn, headers, body)
expect_pass(conn, true)
check(mt.eom_check(conn, MT_QUARANTINE), "no SMFIR_QUARANTINE at end of message")
expect_header(conn, "X-Emoguard-Verdict", "malicious")
expect_header(conn, "X-Emoguard-Score")
expect_header(conn, "X-Emoguard-Findings")

mt.disconnect(conn)
mt.echo("quarantine: Emotet-style mail quarantined and tagged malicious")
