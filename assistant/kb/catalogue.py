"""Title and article lookup over one generation's documents and chunks (read-only)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from assistant.kb.records import DocRecord
from assistant.schema import Chunk, DocumentMeta
from assistant.text_zh import normalize
from assistant.titles import PRC, static_aliases


class Catalogue:
    """Which documents a generation holds, their names, and where each article's chunks are."""

    def __init__(self, records: Mapping[str, DocRecord], chunks: Mapping[str, Chunk]) -> None:
        self.records = records
        self.chunks = chunks
        self.by_article: dict[tuple[str, int], list[str]] = {}
        self.by_doc: dict[str, list[str]] = {}
        for cid, chunk in chunks.items():
            self.by_doc.setdefault(chunk.doc_id, []).append(cid)
            if chunk.article_no is not None:
                self.by_article.setdefault((chunk.doc_id, chunk.article_no), []).append(cid)

    # ---------------------------------------------------------------- names
    def alias_map(self) -> dict[str, str]:
        """alias/short title/文号 -> full title, for every document held."""
        out: dict[str, str] = {}
        for rec in self.records.values():
            meta = rec.meta
            out.setdefault(normalize(meta.title), meta.title)
            if meta.title.startswith(PRC):
                out.setdefault(meta.title[len(PRC):], meta.title)
            for alias in [*meta.aliases, meta.doc_number or ""]:
                if alias:
                    out.setdefault(normalize(alias), meta.title)
        return out

    def find_documents(self, name: str, include_superseded: bool = True) -> list[DocumentMeta]:
        """Documents whose title, alias or 文号 is `name` (current version first)."""
        if not name:
            return []
        name = normalize(name).strip().strip("《》").strip()
        table = static_aliases()
        wanted = {name, table.get(name, name)}
        if not name.startswith(PRC):
            wanted.add(PRC + name)
        found = []
        for rec in self.records.values():
            meta = rec.meta
            names = {normalize(meta.title), *(normalize(a) for a in meta.aliases)}
            if meta.doc_number:
                names.add(normalize(meta.doc_number))
            if names & wanted or meta.doc_id == name:
                found.append(meta)
        found.sort(key=lambda m: m.version or "", reverse=True)
        found.sort(key=lambda m: (not m.is_current, m.superseded_by is not None))
        return [m for m in found if include_superseded or m.is_current]

    # ---------------------------------------------------------------- text
    def get_article(self, title_or_alias: str, article_no: int, include_superseded: bool = False) -> Chunk | None:
        """The article's chunk (parts of a long article merged), current version unless asked."""
        for meta in self.find_documents(title_or_alias, include_superseded=include_superseded):
            ids = self.by_article.get((meta.doc_id, int(article_no)))
            if ids:
                parts = [self.chunks[i] for i in ids]
                if len(parts) == 1:
                    return parts[0]
                return parts[0].model_copy(update={"text": "\n".join(p.text for p in parts)})
        return None

    def get_chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        return [self.chunks[c] for c in chunk_ids if c in self.chunks]

    def doc_chunks(self, doc_id: str) -> list[Chunk]:
        return [self.chunks[c] for c in self.by_doc.get(doc_id, [])]

    # ---------------------------------------------------------------- filters
    def allowed_doc_ids(
        self,
        *,
        doc_types: Iterable[str] | None = None,
        status: Iterable[str] | None = None,
        titles: Iterable[str] | None = None,
        include_superseded: bool = False,
    ) -> set[str] | None:
        """Doc ids passing the filters; None when every document passes (no filter needed)."""
        types = set(doc_types or [])
        statuses = set(status or [])
        title_docs: set[str] | None = None
        if titles:
            title_docs = set()
            for t in titles:
                t_norm = normalize(t).strip().strip("《》")
                matched = {m.doc_id for m in self.find_documents(t, include_superseded=True)}
                matched |= {d for d, r in self.records.items() if t_norm and t_norm in r.meta.title}
                current = {d for d in matched if self.records[d].meta.is_current}
                # a title naming only an old version asks for it; otherwise the current one
                title_docs |= (current if current and not include_superseded else matched)
        allowed = set()
        for doc_id, rec in self.records.items():
            meta = rec.meta
            if types and meta.doc_type not in types:
                continue
            if statuses and meta.status not in statuses:
                continue
            if title_docs is not None and doc_id not in title_docs:
                continue
            # superseded documents only when asked for (flag, a status filter, or by title)
            if not meta.is_current and not include_superseded and not statuses and title_docs is None:
                continue
            allowed.add(doc_id)
        if len(allowed) == len(self.records):
            return None
        return allowed
