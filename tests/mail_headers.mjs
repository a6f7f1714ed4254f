// Reads a JSON list of raw emails (base64) on stdin with postal-mime, the parser of several
// mail services, and prints what it found in each: [{"messageId", "date", "from", "subject",
// "listUnsubscribe", "listUnsubscribePost"}, ...]. tests/soberhouse/test_email_headers.py
// compares these with Python's own email parser.
import PostalMime from "postal-mime";

let text = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) text += chunk;

const found = [];
for (const raw of JSON.parse(text)) {
  const email = await PostalMime.parse(Buffer.from(raw, "base64"));
  const header = (name) => email.headers.find((h) => h.key === name)?.value ?? null;
  found.push({
    messageId: email.messageId ?? null,
    date: email.date ?? null,
    from: email.from?.address ?? null,
    subject: email.subject ?? null,
    listUnsubscribe: header("list-unsubscribe"),
    listUnsubscribePost: header("list-unsubscribe-post"),
  });
}
process.stdout.write(JSON.stringify(found));
