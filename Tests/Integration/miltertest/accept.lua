-- Accept path: a clean mail with on_clean: accept passes untouched (no X-Emoguard-* headers).
-- The lines starting with "--!" are the milter: section miltertest.sh writes for this script.
--! on_clean: accept
--! on_malicious: reject
--@ verdict=clean
dofile(LIB)

local conn = open_connection()
connect_client(conn)
local headers, body = clean_message()
send_message(conn, headers, body)
expect_pass(conn)
expect_no_emoguard_headers(conn)

-- A second, plain message on the same connection takes the same path.
headers, body = plain_message("accept-2")
send_message(conn, headers, body, {queue_id = "4XIT0000002"})
expect_pass(conn)
expect_no_emoguard_headers(conn)

mt.disconnect(conn)
mt.echo("accept: clean mail accepted without headers")
