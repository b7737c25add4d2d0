"""Grafana's unit ids, from ``packages/grafana-data/src/valueFormats/categories.ts`` (``getCategories``, Grafana
9 to 12: ids only ever added), plus
the custom-unit prefixes ``getValueFormat`` understands (``valueFormats.ts``). An id that is neither is
shown by Grafana as a literal suffix, unscaled."""

from __future__ import annotations

UNIT_IDS = frozenset(
    """
none string short percent percentunit humidity dB hex0x hex sci locale pixel
accMS2 accFS2 accG degree radian grad arcmin arcsec areaM2 areaF2 areaMI2
flops mflops gflops tflops pflops eflops zflops yflops
ppm conppb conngm3 conngNm3 conμgm3 conμgNm3 conmgm3 conmgNm3 congm3 congNm3 conmgdL conmmolL
currencyUSD currencyGBP currencyEUR currencyJPY currencyRUB currencyUAH currencyBRL currencyDKK currencyISK
currencyNOK currencySEK currencyCZK currencyCHF currencyPLN currencyBTC currencymBTC currencyμBTC currencyZAR
currencyINR currencyKRW
bits bytes kbytes mbytes gbytes tbytes pbytes decbits decbytes deckbytes decmbytes decgbytes dectbytes decpbytes
pps bps Bps KBs Kbits MBs Mbits GBs Gbits TBs Tbits PBs Pbits
dateTimeAsIso dateTimeAsIsoNoDateIfToday dateTimeAsUS dateTimeAsUSNoDateIfToday dateTimeFromNow
watt kwatt megwatt gwatt mwatt Wm2 voltamp kvoltamp voltampreact kvoltampreact watth watthperkg kwatth kwattm
amph kamph mamph joule ev amp kamp mamp volt kvolt mvolt dBm ohm kohm Mohm farad µfarad nfarad pfarad ffarad
henry mhenry µhenry lumens
flowgpm flowcms flowcfs flowcfm litreh flowlpm flowmlpm lux
forceNm forcekNm forceN forcekN Hs KHs MHs GHs THs PHs EHs massmg massg masskg masst
lengthmm lengthft lengthm lengthkm lengthmi
pressurembar pressurebar pressurekbar pressurepa pressurehpa pressurekpa pressurehg pressurepsi
radbq radci radgy radrad radsv radmsv radusv radrem radexpckg radr radsvh radmsvh radusvh
rotrpm rothz rotrads rotdegs celsius fahrenheit kelvin
hertz ns µs ms s m h d dtdurationms dtdurations dthms dtdhms timeticks clockms clocks
cps ops reqps rps wps iops cpm opm rpm wpm
velocityms velocitykmh velocitymph velocityknot mlitre litre m3 Nm3 dm3 gallons
bool bool_yes_no bool_on_off
sishort candela acres hectares currencyIDR currencyPHP currencyVND currencyTRY currencyMYR currencyXPF currencyBGN
currencyPYG currencyUYU currencyILS binBps binbps KiBs Kibits MiBs Mibits GiBs Gibits TiBs Tibits PiBs Pibits
dateTimeAsLocal dateTimeAsLocalNoDateIfToday dateTimeAsSystem mwatth mohm masslb lengthin rotkhz rotmhz rotghz
eps mps recps rowsps reqpm epm mpm recpm rowspm
""".split()
)
CUSTOM_PREFIXES = ("suffix:", "prefix:", "time:", "si:", "count:", "currency:")


def is_known_unit(unit: str) -> bool:
    return unit in UNIT_IDS or unit.startswith(CUSTOM_PREFIXES)


# Long names people type for the unit they mean.
_LONG_NAMES = {
    "seconds": "s",
    "second": "s",
    "sec": "s",
    "secs": "s",
    "milliseconds": "ms",
    "millisecond": "ms",
    "msec": "ms",
    "microseconds": "µs",
    "us": "µs",
    "nanoseconds": "ns",
    "minutes": "m",
    "hours": "h",
    "days": "d",
    "byte": "bytes",
    "b": "bytes",
    "kb": "kbytes",
    "mb": "mbytes",
    "gb": "gbytes",
    "bit": "bits",
    "percentage": "percent",
    "pct": "percent",
    "ratio": "percentunit",
    "bytes/sec": "Bps",
    "bytes/s": "Bps",
    "bits/sec": "bps",
    "bits/s": "bps",
    "req/s": "reqps",
    "requests/sec": "reqps",
    "ops/s": "ops",
    "ops/sec": "ops",
    "celcius": "celsius",
    "degrees": "celsius",
}
_BY_LOWER: dict[str, str] = {}
for _id in sorted(UNIT_IDS):
    _BY_LOWER.setdefault(_id.lower(), _id)


def mistyped_unit(unit: str) -> str | None:
    """The Grafana unit id ``unit`` was probably meant to be, when it is not one itself."""
    if is_known_unit(unit) or not unit.strip():
        return None
    lower = unit.strip().lower()
    return _LONG_NAMES.get(lower) or _BY_LOWER.get(lower)
