-- Tag path: a clean mail with on_clean: tag gets X-Emoguard-Verdict: clean and a numeric X-Emoguard-Score.
--! on_clean: tag
--! on_malicious: reject
--@ verdict=clean
dofile(LIB)

local conn = open_connection()
check(mt.test_action(conn, SMFIF_ADDHDRS), "the milter did not ask for SMFIF_ADDHDRS in negotiation")
connect_client(conn)
local headers, body = clean_message()
send_message(conn, headers, body)
expect_pass(conn)
expect_header(conn, "X-Emoguard-Verdict", "clean")
expect_header(conn, "X-Emoguard-Score")
local score = mt.getheader(conn, "X-Emoguard-Score", 0)
if score ~= nil then
  check(tostring(score):match("^%s*%-?[0-9]+%.?[0-9]*%s*$") ~= nil, "X-Emoguard-Score is not a number: " .. tostring(score))
end

-- The small plain mail is clean too.
headers, body = plain_message("tag-2")
send_message(conn, headers, body, {queue_id = "4XIT0000002"})
expect_pass(conn)
expect_header(conn, "X-Emoguard-Verdict", "clean")

mt.disconnect(conn)
mt.echo("tag: clean mail tagged X-Emoguard-Verdict: clean, score " .. tostring(score))
