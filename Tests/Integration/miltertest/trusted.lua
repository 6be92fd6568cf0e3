-- trusted_networks: a client inside them is not scanned; the mail passes with X-Emoguard-Verdict: skipped.
--! on_clean: tag
--! on_malicious: reject
--! trusted_networks: [192.0.2.0/24]
dofile(LIB)

local conn = open_connection()
connect_client(conn, {client_ip = "192.0.2.10", client_name = "relay.internal.example.test"})
local headers, body = malicious_message()
send_message(conn, headers, body, {client_ip = "192.0.2.10"})
expect_pass(conn)
expect_header(conn, "X-Emoguard-Verdict", "skipped")

mt.disconnect(conn)
mt.echo("trusted: client in trusted_networks accepted unscanned (skipped)")
