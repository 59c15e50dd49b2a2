"""Reading: the cable files of content/, sniffed, decoded and parsed into the Cable model, and kept parsed."""
