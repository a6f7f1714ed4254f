// Reads an iCalendar feed on stdin with ical.js, a parser other calendar apps use, and prints
// each event's UID and start as a UTC instant: {"<uid>": "2027-03-21T02:00:00.000Z", ...}.
// tests/meetings/test_calendar.py compares these with the data and with Python's parsers.
import ICAL from "ical.js";

let text = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) text += chunk;

const calendar = new ICAL.Component(ICAL.parse(text));
const starts = {};
for (const vevent of calendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  starts[event.uid] = event.startDate.toJSDate().toISOString();
}
process.stdout.write(JSON.stringify(starts));
