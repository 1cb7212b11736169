"""The Dasbor: a read-only web view of the register, the journal and the published feed (docs/dasbor.md).

An entry point like the commands: it reads the service layer (the journal), never the other way round."""
