"""Where a later section of a multi-section cable begins, its page shows a quiet mark in the reading line (its
repeated transmission block is kept in the model and in the verbatim file, not in the paragraph's text)."""

from __future__ import annotations

import re
import shutil

from .conftest import need_shared
from .test_bad_input import run


def test_the_page_marks_where_each_section_begins(tmp_path):
    content = tmp_path / "content" / "cables"
    content.mkdir(parents=True)
    shutil.copyfile(need_shared("corpus", "dev", "00HARARE6677.txt"), content / "00HARARE6677.txt")
    out = tmp_path / "site"
    r = run("build", "--content", str(content.parent), "--output", str(out), "--no-search")
    assert r.returncode == 0, r.stderr[-2000:]
    page = (out / "cables" / "00HARARE6677" / "index.html").read_text(encoding="utf-8")
    marks = re.findall(r'<span class="pb sb" title="([^"]*)"><span>(.*?)</span></span>', page)
    assert [(t, re.sub(r"<[^>]+>", "", m)) for t, m in marks] == [
        ("C O N F I D E N T I A L SECTION 02 OF 03 HARARE 006677", "section 2 of 3"),
        ("C O N F I D E N T I A L SECTION 03 OF 03 HARARE 006677", "section 3 of 3")]
    # The sentence runs on across the mark; the repeated block is not in the reading text.
    para5 = page[page.index('id="p5"'):page.index('id="p6"')]
    assert "IF IT WAITS THAT LONG," in para5 and "THERE WILL BE" in para5
    assert "INFO LOG-00" not in para5 and "NSC FOR SENIOR AFRICA DIRECTOR" not in para5
