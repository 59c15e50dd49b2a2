"""Preview: build, then serve the site on 127.0.0.1 with live reload (livereload serves only site/)."""

from __future__ import annotations

from pathlib import Path

from .errors import Problems


def serve(content: Path, output: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Build once, then serve `output` and rebuild when content/ or templates/ change."""
    from livereload import Server

    from .cli import report
    from .render import TEMPLATES
    from .site import build

    def rebuild() -> None:
        report(build(content, output, Problems(), preview=True))

    rebuild()
    if not output.exists():
        return 1
    server = Server()
    server.watch(str(content), rebuild)
    server.watch(str(TEMPLATES), rebuild)
    print(f"Serving {output} on http://{host}:{port}/ (Ctrl+C to stop)")
    server.serve(root=str(output), host=host, port=port, open_url_delay=None)
    return 0
