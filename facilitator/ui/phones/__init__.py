"""The console's side of the phones' companion (docs/companion.md): the seam to the server, the laptop's addresses,
the dialog that starts and stops it, and the watch that warns when the clock or the network changes."""
