"""Family activities, households, sign-ups, attendance, referrals."""
