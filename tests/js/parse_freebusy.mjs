// Read a free/busy answer (VFREEBUSY) with Mozilla's ical.js and print, per
// component, its UID, window and periods as UTC ISO instants with FBTYPE.
//
//   node tests/js/parse_freebusy.mjs < freebusy.ics
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const root = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
const iso = (time) => time.toJSDate().toISOString();

const components = root.getAllSubcomponents("vfreebusy").map((fb) => ({
  uid: fb.getFirstPropertyValue("uid"),
  start: iso(fb.getFirstPropertyValue("dtstart")),
  end: iso(fb.getFirstPropertyValue("dtend")),
  comment: fb.getFirstPropertyValue("comment"),
  properties: fb.getAllProperties().map((p) => p.name),
  periods: fb.getAllProperties("freebusy").map((p) => {
    const period = p.getFirstValue();
    return { start: iso(period.start), end: iso(period.getEnd()), fbtype: p.getParameter("fbtype") };
  }),
}));

process.stdout.write(JSON.stringify({ method: root.getFirstPropertyValue("method"), components }));
