"""Targets stated without a number (与经济增长同步, 高于全省1个百分点): value NULL, words kept."""

from __future__ import annotations

from ingestion.extract import decide
from ingestion.extract.clauses import clause_bounds, strip_gap
from ingestion.extract.context import DocState, Sentence
from ingestion.extract.drafts import Draft
from ingestion.extract.mentions import qualifier
from ingestion.extract.rules import Rules


def qualitative_targets(sent: Sentence, state: DocState, R: Rules) -> list[Draft]:
    s, mentions, nums = sent.s, sent.mentions, sent.nums
    out: list[Draft] = []
    for k, m in enumerate(mentions):
        if not decide.is_target(sent, state, m.start, R):
            continue
        nxt = mentions[k + 1].start if k + 1 < len(mentions) else len(s)
        _, clause_end = clause_bounds(s, m.end)
        seg_end = min(nxt, clause_end)
        seg = s[m.end : seg_end]
        if any(m.end <= n.start < seg_end for n in nums):
            continue
        q = R.qualitative_re.search(seg)
        if not q:
            continue
        # 单位地区生产总值能耗完成省下达目标: the name is part of another noun, not the indicator
        if len(strip_gap(seg[: q.start()], R)) > 1 or qualifier(s, m, R):
            continue
        codes = (m.single,) if m.single else m.codes  # 城乡居民收入 as one figure
        for code in codes:
            out.append(Draft("target", code, m.raw, "qualitative", m.start, m.end + q.end(),
                             target_text=q.group(0), year=state.meta.target_year))
    return out
