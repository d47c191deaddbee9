"""Match agency names as a plan document writes them to the Agency records of the plan's unit.

Documents name agencies loosely: "Công an Thành phố", "Sở Văn hóa Thể Thao", "Phòng Văn hóa - Xã hội
phường", "đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố". A name is reduced to a *stem*
(folded, punctuation and the place words removed, "và" dropped) and looked up among the stems of
the catalogue's kind names, a few common variants, and the unit's own agency names. Collective
names ("Ủy ban nhân dân các xã, phường", "các sở, ngành") are deliberately left unmatched: they
address many bodies, the names stay on the task as written.
"""

import re

from pcmd.core.models import fold
from pcmd.geo.models import Level
from pcmd.org.models import Agency

# Variants seen in real plans -> catalogue kind codes (any level; the unit's agencies decide which exists).
VARIANTS: dict[str, tuple[str, ...]] = {
    "cong an": ("cong-an-tinh", "cong-an-xa"),
    "ubnd": ("ubnd-xa",),
    "uy ban nhan dan": ("ubnd-xa",),
    "so van hoa the thao du lich": ("so-vhtt",),
    "so vhtt": ("so-vhtt",),
    "so vhttdl": ("so-vhtt",),
    "so gddt": ("so-gddt",),
    "so gd dt": ("so-gddt",),
    "so giao duc dao tao": ("so-gddt",),
    "so khoa hoc cong nghe": ("so-khcn",),
    "so khcn": ("so-khcn",),
    "so lao dong thuong binh xa hoi": ("so-noi-vu",),  # merged into Sở Nội vụ in 2025
    "phong vhxh": ("phong-vhxh",),
    "phong vh xh": ("phong-vhxh",),
    "phong van hoa xa hoi": ("phong-vhxh",),
    "mat tran to quoc": ("mttq-tinh", "mttq-xa"),
    "mttq": ("mttq-tinh", "mttq-xa"),
    "uy ban mttq viet nam": ("mttq-tinh", "mttq-xa"),
    "uy ban mat tran to quoc": ("mttq-tinh", "mttq-xa"),
    "hoi phu nu": ("hlhpn-tinh", "hlhpn-xa"),
    "hoi lhpn": ("hlhpn-tinh", "hlhpn-xa"),
    "hoi lien hiep phu nu viet nam": ("hlhpn-tinh", "hlhpn-xa"),
    "doan thanh nien": ("doan-tn-tinh", "doan-tn-xa"),
    "thanh doan": ("doan-tn-tinh",),
    "doan tncs ho chi minh": ("doan-tn-tinh", "doan-tn-xa"),
    "ldld": ("ldld-tinh",),
    "bao phat thanh truyen hinh": ("bao-ptth",),
    "dai phat thanh truyen hinh": ("bao-ptth",),
    "ngan hang chinh sach xa hoi": ("ngan-hang-csxh-tinh",),
    "bo chi huy quan su": ("bchqs-tinh",),
    "ban chi huy quan su": ("ban-chq-quan-su-xa",),
    "vien kiem sat": ("vks-tinh",),
    "toa an": ("toa-an-tinh",),
    "tram y te": ("tram-y-te",),
    "trung tam dich vu hanh chinh cong": ("ttphvhcc",),
    "van phong hdnd": ("vp-hdnd-ubnd",),
    "van phong hdnd ubnd": ("vp-hdnd-ubnd",),
    "phong kinh te ha tang do thi": ("phong-kinh-te",),
}

# Words naming the unit's own level ("Công an Thành phố" in a city plan, "Công an phường" in a ward plan).
# Only the unit's level is stripped: in a ward plan "Công an thành phố" is the city police, not the ward's.
LEVEL_WORDS = {
    Level.PROVINCE: ("thanh pho", "tinh", "tp"),
    Level.DISTRICT: ("quan", "huyen", "thi xa", "thanh pho", "tp"),
    Level.COMMUNE: ("phuong", "xa", "dac khu", "thi tran"),
}
PLACE_WORDS = tuple(sorted({w for words in LEVEL_WORDS.values() for w in words}, key=len, reverse=True))
LEADING = ("de nghi", "co quan", "giao")
DROPPED = {"va"}
COLLECTIVE = {"cac", "nhung"}


def _words(text: str) -> list[str]:
    return [w for w in re.sub(r"[^a-z0-9]+", " ", fold(text)).split() if w not in DROPPED]


def stem(name: str, place_names: tuple[str, ...] = ()) -> str:
    """Folded core of an agency name: no punctuation, no "và", no leading "đề nghị", no trailing `place_names`."""
    words = _words(name)
    changed = True
    while changed and words:
        changed = False
        text = " ".join(words)
        for lead in LEADING:
            if text.startswith(lead + " "):
                words = words[len(lead.split()):]
                changed = True
                break
        text = " ".join(words)
        for place in place_names:
            if place and text.endswith(" " + place) and len(words) > len(place.split()):
                words = words[: -len(place.split())]
                changed = True
                break
    return " ".join(words)


def is_collective(name: str) -> bool:
    """ "UBND các xã, phường", "các sở, ngành": addressed to many bodies, not one agency."""
    return bool(COLLECTIVE & set(_words(name)))


class AgencyMatcher:
    """Built once per import: the unit's agencies, indexed by the stems of their kind and own names."""

    def __init__(self, unit):
        self.unit = unit
        self.places = self._place_names(unit)
        agencies = list(Agency.objects.filter(unit=unit, is_active=True).select_related("kind"))
        by_kind = {a.kind.code: a for a in agencies if a.kind_id}
        self.index: dict[str, Agency] = {}
        for stem_text, codes in VARIANTS.items():
            for code in codes:
                if code in by_kind:
                    self.index.setdefault(stem_text, by_kind[code])
        for agency in agencies:
            if agency.kind_id:
                self.index.setdefault(stem(agency.kind.name, self.places), agency)
            self.index[stem(agency.name, self.places)] = agency
            if agency.short_name:
                self.index[stem(agency.short_name, self.places)] = agency

    @staticmethod
    def _place_names(unit) -> tuple[str, ...]:
        """The unit's name with and without its type word, then the generic words of its level."""
        full = " ".join(_words(unit.name))
        bare = full
        for word in PLACE_WORDS:
            if bare.startswith(word + " "):
                bare = bare[len(word) + 1:]
                break
        names = sorted({full, bare}, key=len, reverse=True)
        return (*names, *LEVEL_WORDS.get(unit.level, ()))

    def match(self, name: str) -> Agency | None:
        if not name or is_collective(name):
            return None
        return self.index.get(stem(name, self.places))

    def match_all(self, names) -> list[Agency]:
        found = []
        for name in names or ():
            agency = self.match(name)
            if agency is not None and agency not in found:
                found.append(agency)
        return found
