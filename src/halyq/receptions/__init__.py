"""Deputies' personal receptions: scheduled at reception offices, booked by citizens, attended."""
