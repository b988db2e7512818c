// Code that builds networks needs the seeded generator too; importing Neural brings it.
@_exported import SeededRandom
