/** English messages of organisation time zones (spread into en.ts; zh-CN and de have the same keys). */
export const timeZonesEn = {
  'timeZones.intro':
    'The time zone of each organisation (an IANA name such as Europe/Berlin or Asia/Shanghai): the "today" its people’s dates are checked against, the day a deadline they enter ends, and the time deadlines are shown to them in.',
  'timeZones.column': 'Time zone',
  'timeZones.saveFor': 'Save the time zone of {name}',
  'timeZones.saved': 'The time zone of {name} is now {zone}.',
  'timeZones.problem.badZone': '“{zone}” is not a time zone: enter an IANA name such as Europe/Berlin, Asia/Shanghai or America/Chicago.',
} as const;
