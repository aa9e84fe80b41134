"""The demo city and its year: who is there, what they booked, and the command."""
