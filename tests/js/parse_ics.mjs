// Parse an iCalendar feed with Mozilla's ical.js (Thunderbird's parser) and
// print what a client would see as JSON. Used by tests/test_feeds.py.
//
//   node tests/js/parse_ics.mjs < feed.ics
//
// Each event's zone is resolved the way Thunderbird does it: from the feed's
// own VTIMEZONE components. A TZID without one is read as floating time, and
// then "zone" is "floating" - the test fails on exactly that.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(0, "utf8");
const root = new ICAL.Component(ICAL.parse(text));

const timezones = root.getAllSubcomponents("vtimezone").map((vtz) => {
  const tz = new ICAL.Timezone(vtz);
  ICAL.TimezoneService.register(tz, vtz.getFirstPropertyValue("tzid"));
  return vtz.getFirstPropertyValue("tzid");
});

function describe(time) {
  return {
    local: time.toString(),
    zone: time.zone ? time.zone.tzid : null,
    utc: time.toJSDate().toISOString(),
    offset_seconds: time.utcOffset(),
  };
}

const events = root.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    location: event.location,
    status: vevent.getFirstPropertyValue("status"),
    sequence: event.sequence,
    start: describe(event.startDate),
    end: describe(event.endDate),
    dtstamp: vevent.getFirstPropertyValue("dtstamp").toString(),
    organizer: vevent.getFirstPropertyValue("organizer"),
    attendees: vevent.getAllProperties("attendee").length,
    alarms: vevent.getAllSubcomponents("valarm").length,
  };
});

process.stdout.write(
  JSON.stringify({
    name: root.getFirstPropertyValue("x-wr-calname"),
    method: root.getFirstPropertyValue("method"),
    version: root.getFirstPropertyValue("version"),
    refresh_interval: String(root.getFirstPropertyValue("refresh-interval")),
    timezones,
    events,
  }),
);
