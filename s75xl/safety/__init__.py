"""Safety pieces every entry point shares: what a message may echo, how outputs are written,
how text from input is kept from becoming a live formula, and the limits a template must meet.

- `messages`: user text echoed in a message is clipped; row content never appears.
- `outputs`: an output path that is an input is refused; every output is written atomically
  (a hidden temporary file in the target folder, then a rename) under a lock, with the file mode
  of the template or input it came from, and a crashed run's leftovers are removed next time.
- `formulas`: text starting with = + - @ tab or carriage return is made inert (OWASP's CSV
  injection guidance) in every CSV and XLSX s75xl writes.
- `zipguard`: size, compression-ratio, entry-count and cell-count limits for Excel files, and
  unsafe XML turned into one sentence.

docs/bad-input.md lists the bad and hostile inputs these guard against, with the outcome of each.
"""
