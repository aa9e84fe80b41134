// Read an iTIP message (RFC 5546: METHOD:REQUEST or CANCEL) with Mozilla's
// ical.js, as Thunderbird's invitation handling does, and print the method
// and what the one event says, ORGANIZER and ATTENDEE parameters included.
//
//   node tests/js/parse_itip.mjs < invite.ics
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const root = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
for (const vtz of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(vtz), vtz.getFirstPropertyValue("tzid"));
}

const party = (prop) => ({
  value: prop.getFirstValue(),
  cn: prop.getParameter("cn") ?? null,
  partstat: prop.getParameter("partstat") ?? null,
  rsvp: prop.getParameter("rsvp") ?? null,
  role: prop.getParameter("role") ?? null,
});

const events = root.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  return {
    uid: event.uid,
    sequence: event.sequence,
    summary: event.summary,
    status: vevent.getFirstPropertyValue("status"),
    start_utc: event.startDate.toJSDate().toISOString(),
    zone: event.startDate.zone ? event.startDate.zone.tzid : null,
    organizer: party(vevent.getFirstProperty("organizer")),
    attendees: vevent.getAllProperties("attendee").map(party),
  };
});

process.stdout.write(JSON.stringify({ method: root.getFirstPropertyValue("method"), events }));
