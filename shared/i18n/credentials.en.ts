/** Credentials: confirming it is you before a passkey changes, the mails about it, sign-in throttling, unlocking. */
export const credentialsEn = {
  'credentialMail.method.password': 'your password',
  'credentialMail.method.passkey': 'an existing passkey',
  'credentialMail.added.subject': 'A passkey was added to your Lotbridge account',
  'credentialMail.added.body':
    'Hello {name},\n\nthe passkey “{passkey}” was added to your Lotbridge account {email} at {time}, confirmed with {method}. It can sign in to your account and sign records electronically in your name.\n\nIf this was not you, remove the passkey at once on the Passkeys page, change your password and tell your administrator: someone may be using your account.',
  'credentialMail.removed.subject': 'A passkey was removed from your Lotbridge account',
  'credentialMail.removed.body':
    'Hello {name},\n\nthe passkey “{passkey}” was removed from your Lotbridge account {email} at {time}, confirmed with {method}.\n\nIf this was not you, change your password and tell your administrator: someone may be using your account.',
  'passkeys.confirm.heading': 'Confirm it is you',
  'passkeys.confirm.intro': 'Adding or removing a passkey needs your current password, or one of your passkeys, every time.',
  'passkeys.confirm.with': 'Confirm with',
  'passkeys.confirm.password': 'Your current password',
  'passkeys.confirm.usePassword': 'my password',
  'passkeys.confirm.usePasskey': 'one of my passkeys',
  'passkeys.removeFailed': 'The passkey was not removed: {reason}',
  'error.too_many_attempts': 'Too many failed sign-ins from your network. Try again after {time} UTC.',
  'unlock.heading': 'Locked accounts',
  'unlock.none': 'No account is locked.',
  'unlock.lockedUntil': '{email} ({organisation}) is locked until {time} UTC.',
  'unlock.button': 'Unlock',
  'unlock.buttonLabel': 'Unlock {email}',
  'unlock.done': '{email} was unlocked.',
} as const;
