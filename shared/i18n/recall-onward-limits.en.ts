/** English texts of the limits on passing a notice on (how deep, how many mails a day, names only) and of a revised notice sent to the customers reached (merged in en.ts). */
export const recallOnwardLimitsEn = {
  'onward.problem.notAName': 'Only a name: no web or e-mail addresses, no control characters.',
  'onward.problem.tooDeep': 'The notice is passed on to at most {max} levels: ask the manufacturer to reach your customers.',
  'onward.problem.recallMailsPerDay': 'This recall has sent {max} notices to customers today: try again tomorrow or ask the manufacturer.',
  'onward.passOnDeepest': 'The notice cannot be passed on further from here. If you supplied affected products to others, tell the manufacturer.',
  'onward.revised.body': 'The manufacturer revised the field safety notice of recall {recallNumber} that {by} passed on to you. Open it to read the notice as it now stands.',
};
