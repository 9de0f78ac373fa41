"""What the demo plant is made of: warehouses, work centers, operations, people's names, crews and
the item catalog of a small metal-fab and assembly shop. ``demo.company`` makes rows of it."""
from __future__ import annotations

import random

WAREHOUSES = [("000", "MAIN WAREHOUSE"), ("EST", "EAST PLANT"), ("WST", "WEST YARD STORAGE")]

WORK_CENTERS = [
    ("SAW", "SAW & CUT-OFF"),
    ("LASER", "LASER / TURRET PUNCH"),
    ("BRAKE", "PRESS BRAKE FORMING"),
    ("WELD", "WELDING & FABRICATION"),
    ("PAINT", "FINISHING / POWDER COAT"),
    ("ASM", "ASSEMBLY & PACK"),
]

# (work center, operation code, description, standard run type, rate, std hours per unit)
OPERATIONS = [
    ("SAW", "SETUP", "SAW SETUP", "H", 38.0, 0.0),
    ("SAW", "CUT", "SAW CUT TO LENGTH", "L", 38.0, 0.08),
    ("SAW", "DBUR", "DEBURR / BREAK EDGES", "L", 32.0, 0.05),
    ("LASER", "SETUP", "LASER SETUP / NEST", "H", 95.0, 0.0),
    ("LASER", "LCUT", "LASER CUT BLANKS", "L", 95.0, 0.06),
    ("LASER", "PUNCH", "TURRET PUNCH", "L", 72.0, 0.05),
    ("BRAKE", "SETUP", "BRAKE SETUP", "H", 58.0, 0.0),
    ("BRAKE", "FORM", "BRAKE FORM", "L", 58.0, 0.10),
    ("WELD", "FIXT", "FIXTURE & TACK", "L", 60.0, 0.15),
    ("WELD", "MIG", "MIG WELD", "L", 64.0, 0.35),
    ("WELD", "TIG", "TIG WELD", "L", 72.0, 0.45),
    ("WELD", "GRIND", "GRIND & BLEND WELDS", "L", 48.0, 0.12),
    ("PAINT", "PREP", "WASH / PRETREAT", "L", 42.0, 0.05),
    ("PAINT", "MASK", "MASK FOR COATING", "L", 36.0, 0.08),
    ("PAINT", "PCOAT", "POWDER COAT & CURE", "L", 55.0, 0.12),
    ("PAINT", "PLATE", "ZINC PLATE - OUTSIDE", "O", 1.85, 0.0),
    ("ASM", "ASSY", "MECHANICAL ASSEMBLY", "L", 45.0, 0.30),
    ("ASM", "HDWR", "INSTALL HARDWARE", "L", 42.0, 0.10),
    ("ASM", "INSP", "FINAL INSPECTION", "L", 50.0, 0.05),
    ("ASM", "PACK", "PACK & LABEL", "L", 35.0, 0.06),
]

FIRST_NAMES = [
    "James", "Maria", "Robert", "Linda", "Michael", "Patricia", "David", "Jennifer", "Jose",
    "Elizabeth", "Daniel", "Susan", "Thomas", "Karen", "Carlos", "Nancy", "Mark", "Lisa",
    "Steven", "Angela", "Paul", "Rosa", "Kevin", "Brenda", "Brian", "Tanya", "Luis", "Denise",
    "Gary", "Ana", "Ryan", "Heather", "Juan", "Tammy", "Eric", "Kim", "Tyler", "Dustin",
    "Miguel", "Vanessa",
]
LAST_NAMES = [
    "Anderson", "Baker", "Castillo", "Dawson", "Evans", "Fischer", "Garcia", "Hansen", "Ibarra",
    "Jensen", "Kowalski", "Larson", "Martinez", "Nguyen", "Olson", "Petersen", "Quintero",
    "Ramirez", "Schmidt", "Thompson", "Underwood", "Vasquez", "Walker", "Yoder", "Zimmerman",
    "Brooks", "Carlson", "Dominguez", "Erickson", "Flores", "Gustafson", "Hernandez", "Kline",
    "Lindqvist", "Moreno", "Novak", "Ortiz", "Pham", "Reyes", "Sorensen",
]

CREWS = [
    ("0001", "WELD CELL A", "WELD"),
    ("0002", "WELD CELL B", "WELD"),
    ("0003", "PAINT LINE", "PAINT"),
    ("0004", "ASSEMBLY - DAY SHIFT", "ASM"),
    ("0005", "FAB - SECOND SHIFT", ""),
]

CUSTOMERS = ["ACM", "BRD", "KLT", "NRT", "PMX"]
CUSTOMER_PARTS = [
    "FRAME WELDMENT", "MOUNTING PLATE", "SIDE PANEL LH", "SIDE PANEL RH", "ACCESS COVER",
    "BASE WELDMENT", "GUSSET", "SUPPORT ARM", "CHUTE LINER", "DUCT TRANSITION",
    "BUMPER BRACKET", "TANK SADDLE", "MOTOR PLATE", "HINGE BRACKET", "SKID WELDMENT",
]
ITEM_COUNT = 300
WORK_ORDER_COUNT = 60
EMPLOYEE_COUNT = 40




def catalog() -> list[tuple[str, str, str, str, str, float, float]]:
    """(code, description, kind, item type, unit, cost low, cost high) of the standard items."""
    items: list[tuple[str, str, str, str, str, float, float]] = []

    def add(code: str, desc: str, kind: str, um: str, lo: float, hi: float, item_type: str = "1") -> None:
        items.append((code, desc, kind, item_type, um, lo, hi))

    # finished goods and their sub-assemblies
    enclosures = [(12, 10, 6), (16, 12, 8), (20, 16, 8), (24, 20, 10), (30, 24, 12), (36, 30, 12)]
    for rating in ("4", "12"):
        for h, w, d in enclosures:
            add(f"ENC-N{rating}-{h:02}{w:02}{d:02}", f"ENCLOSURE NEMA {rating} {h}X{w}X{d}", "fg", "EACH", 85, 420)
    for h, w, d in enclosures:
        add(f"ASY-DOOR-{h:02}{w:02}{d:02}", f"DOOR ASSY NEMA 4 {h}X{w}", "sub", "EACH", 30, 140)
        add(f"BKP-{h:02}{w:02}", f"BACKPLATE GALV {h}X{w}", "sub", "EACH", 8, 45)
    for shelves, w, l in [(2, 24, 36), (2, 30, 48), (3, 24, 36), (3, 30, 48), (3, 36, 60)]:
        add(f"CRT-{shelves}S-{w}{l}", f"CART UTILITY {shelves}-SHELF {w}X{l}", "fg", "EACH", 140, 390)
    for w, l in [(24, 36), (30, 48), (36, 60)]:
        add(f"ASY-SHELF-{w}{l}", f"SHELF WELDMENT {w}X{l}", "sub", "EACH", 35, 95)
    for w, l in [(30, 60), (30, 72), (36, 72), (36, 96)]:
        add(f"BNC-{w}{l}", f"WORKBENCH STEEL TOP {w}X{l}", "fg", "EACH", 260, 640)
        add(f"ASY-BFRM-{w}{l}", f"BENCH FRAME WELDMENT {w}X{l}", "sub", "EACH", 120, 300)
    for size in (12, 18, 24, 36):
        add(f"GRD-BELT-{size}", f"GUARD BELT DRIVE {size}IN", "fg", "EACH", 45, 160)
    for code, desc in [
        ("BRK-L-04", "BRACKET L 4IN 1/4 PLATE"), ("BRK-L-06", "BRACKET L 6IN 1/4 PLATE"),
        ("BRK-L-08", "BRACKET L 8IN 3/8 PLATE"), ("BRK-WALL-12", "BRACKET WALL MOUNT 12IN"),
        ("BRK-MTR-56C", "MOTOR MOUNT BASE 56C"), ("BRK-MTR-143T", "MOTOR MOUNT BASE 143T"),
        ("BRK-MTR-184T", "MOTOR MOUNT BASE 184T"),
    ]:
        add(code, desc, "fg", "EACH", 6, 75)
    for ft in (4, 6, 8):
        add(f"RAL-HR-{ft:02}", f"HANDRAIL SECTION {ft}FT", "fg", "EACH", 90, 210)
    for steps in (3, 4, 5, 6):
        add(f"STR-STRG-{steps}", f"STAIR STRINGER {steps}-STEP", "fg", "EACH", 70, 180)
    for inches in (96, 120, 144):
        add(f"RCK-UPR-{inches:03}", f"PALLET RACK UPRIGHT 42X{inches}", "fg", "EACH", 80, 160)
    for inches in (96, 108):
        add(f"RCK-BM-{inches:03}", f"PALLET RACK BEAM {inches}IN", "fg", "EACH", 35, 70)
    for code, desc in [("050", "1/2 YD"), ("100", "1 YD"), ("200", "2 YD")]:
        add(f"HOP-SD-{code}", f"HOPPER SELF-DUMP {desc}", "fg", "EACH", 650, 1900)

    # raw material
    sheet = [
        ("CRS", "CRS", ["16", "14", "12", "11", "10"], "GA"), ("HRPO", "HRPO", ["14", "12", "10"], "GA"),
        ("GALV", "GALV", ["16", "14"], "GA"), ("SS304", "SS304 #4", ["16", "14"], "GA"),
        ("AL5052", "AL 5052", [".063", ".090", ".125"], ""),
    ]
    for grade, grade_desc, gauges, suffix in sheet:
        for gauge in gauges:
            for w, l in [(48, 96), (48, 120), (60, 120)]:
                code = f"SHT-{grade}-{gauge.lstrip('.')}-{w}{l}"
                add(code, f"SHEET {grade_desc} {gauge}{suffix} {w}X{l}", "raw", "EACH", 60, 480)
    for thick, code in [("3/16", "188"), ("1/4", "250"), ("3/8", "375"), ("1/2", "500")]:
        add(f"PLT-A36-{code}-4896", f"PLATE A36 {thick} 48X96", "raw", "EACH", 260, 900)
        add(f"PLT-A36-{code}-96240", f"PLATE A36 {thick} 96X240", "raw", "EACH", 1300, 4200)
    shapes = [
        ("ANG-1X1X125", "ANGLE 1X1X1/8 A36"), ("ANG-125X125X188", "ANGLE 1-1/4X1-1/4X3/16 A36"),
        ("ANG-15X15X188", "ANGLE 1-1/2X1-1/2X3/16 A36"), ("ANG-2X2X250", "ANGLE 2X2X1/4 A36"),
        ("ANG-25X25X250", "ANGLE 2-1/2X2-1/2X1/4 A36"), ("ANG-3X3X250", "ANGLE 3X3X1/4 A36"),
        ("TUB-SQ-1X1X14", "TUBE SQ 1X1X14GA"), ("TUB-SQ-15X15X11", "TUBE SQ 1-1/2X1-1/2X11GA"),
        ("TUB-SQ-2X2X11", "TUBE SQ 2X2X11GA"), ("TUB-SQ-2X2X188", "TUBE SQ 2X2X3/16"),
        ("TUB-SQ-3X3X188", "TUBE SQ 3X3X3/16"), ("TUB-RC-2X3X11", "TUBE RECT 2X3X11GA"),
        ("TUB-RC-2X4X188", "TUBE RECT 2X4X3/16"), ("PIP-S40-100", "PIPE SCH40 1IN BLACK"),
        ("PIP-S40-125", "PIPE SCH40 1-1/4IN BLACK"), ("PIP-S40-150", "PIPE SCH40 1-1/2IN BLACK"),
        ("PIP-S40-200", "PIPE SCH40 2IN BLACK"), ("FLT-125X100", "FLAT BAR 1/8X1 A36"),
        ("FLT-188X150", "FLAT BAR 3/16X1-1/2 A36"), ("FLT-250X100", "FLAT BAR 1/4X1 A36"),
        ("FLT-250X200", "FLAT BAR 1/4X2 A36"), ("FLT-250X300", "FLAT BAR 1/4X3 A36"),
        ("FLT-375X200", "FLAT BAR 3/8X2 A36"), ("FLT-375X300", "FLAT BAR 3/8X3 A36"),
        ("FLT-500X300", "FLAT BAR 1/2X3 A36"), ("RND-CF-500", "ROUND BAR 1/2 1018 CF"),
        ("RND-CF-750", "ROUND BAR 3/4 1018 CF"), ("RND-CF-1000", "ROUND BAR 1 1018 CF"),
        ("CHN-C3X41", "CHANNEL C3X4.1 A36"), ("CHN-C4X54", "CHANNEL C4X5.4 A36"),
        ("CHN-C6X82", "CHANNEL C6X8.2 A36"),
    ]
    for code, desc in shapes:
        add(code, desc, "raw", "FT", 1.1, 14)

    # consumables
    for code, desc in [
        ("PWD-BLK-GLS", "POWDER BLACK GLOSS"), ("PWD-BLK-TEX", "POWDER BLACK TEXTURE"),
        ("PWD-GRY-7035", "POWDER LIGHT GRAY RAL7035"), ("PWD-YEL-SAF", "POWDER SAFETY YELLOW"),
        ("PWD-WHT-GLS", "POWDER WHITE GLOSS"), ("PWD-BLU-5005", "POWDER SIGNAL BLUE RAL5005"),
        ("PWD-RED-3000", "POWDER FLAME RED RAL3000"), ("PWD-GRN-6005", "POWDER MOSS GREEN RAL6005"),
        ("WIR-ER70-035", "WELD WIRE ER70S-6 .035"), ("WIR-ER70-045", "WELD WIRE ER70S-6 .045"),
        ("ROD-ER308-332", "TIG ROD ER308L 3/32"),
    ]:
        add(code, desc, "cons", "LB", 3.5, 18)
    for code, desc, um in [
        ("GAS-ARCO2-300", "GAS 75/25 ARGON CO2 300CF", "EACH"), ("GAS-AR-300", "GAS ARGON 300CF", "EACH"),
        ("ABR-GRD-45", "GRINDING DISC 4-1/2 X 1/4", "EACH"), ("ABR-FLP-45", "FLAP DISC 4-1/2 60 GRIT", "EACH"),
        ("PNT-PRM-GRY", "PRIMER GRAY ZINC PHOSPHATE", "GAL"),
    ]:
        add(code, desc, "cons", um, 4, 65)

    # purchased components and hardware
    threads = [
        ("1/4-20", "1420", "1/4"), ("5/16-18", "5168", "5/16"), ("3/8-16", "3816", "3/8"), ("1/2-13", "1213", "1/2"),
    ]
    lengths = [("3/4", "075"), ("1", "100"), ("1-1/4", "125"), ("1-1/2", "150"), ("2", "200")]
    for thread, tcode, _ in threads:
        for length, lcode in lengths:
            add(f"HHCS-{tcode}-{lcode}", f"HHCS {thread} X {length} GR5 ZP", "hw", "EACH", 0.08, 0.9)
    for length, lcode in lengths[:3]:
        add(f"HHCS-SS-1420-{lcode}", f"HHCS 1/4-20 X {length} SS18-8", "hw", "EACH", 0.2, 0.9)
    for thread, tcode, frac in threads:
        add(f"HN-{tcode}", f"NUT HEX {thread} GR5 ZP", "hw", "EACH", 0.03, 0.3)
        add(f"NL-{tcode}", f"NUT NYLOCK {thread} ZP", "hw", "EACH", 0.05, 0.4)
        add(f"FW-{tcode}", f"WASHER FLAT {frac} SAE ZP", "hw", "EACH", 0.02, 0.2)
        add(f"LW-{tcode}", f"WASHER LOCK {frac} ZP", "hw", "EACH", 0.02, 0.2)
    for code, desc, um in [
        ("PHMS-1024-050", "PHMS #10-24 X 1/2 ZP", "EACH"), ("PHMS-1024-075", "PHMS #10-24 X 3/4 ZP", "EACH"),
        ("PHMS-1024-100", "PHMS #10-24 X 1 ZP", "EACH"), ("SMS-08-050", "SMS #8 X 1/2 TEK ZP", "EACH"),
        ("SMS-10-075", "SMS #10 X 3/4 TEK ZP", "EACH"), ("RIV-POP-125", "RIVET POP 1/8 AL", "EACH"),
        ("RIV-POP-188", "RIVET POP 3/16 AL", "EACH"), ("PEM-NUT-1024", "PEM NUT #10-24 CLS", "EACH"),
        ("PEM-NUT-1420", "PEM NUT 1/4-20 CLS", "EACH"), ("PEM-STD-1024", "PEM STUD #10-24 X 1/2", "EACH"),
        ("PEM-STD-1420", "PEM STUD 1/4-20 X 3/4", "EACH"), ("CST-3-SW", "CASTER 3IN SWIVEL", "EACH"),
        ("CST-4-SW", "CASTER 4IN SWIVEL", "EACH"), ("CST-4-RG", "CASTER 4IN RIGID", "EACH"),
        ("CST-5-SWB", "CASTER 5IN SWIVEL W/BRAKE", "EACH"), ("CST-5-RG", "CASTER 5IN RIGID", "EACH"),
        ("CST-6-SWB", "CASTER 6IN SWIVEL W/BRAKE", "EACH"), ("HNG-PNO-36", "HINGE PIANO 36IN SS", "EACH"),
        ("HNG-BUT-2X2", "HINGE BUTT 2X2 ZP", "EACH"), ("HNG-CNC-N4", "HINGE CONCEALED NEMA 4", "EACH"),
        ("LCH-QTR-TRN", "LATCH QUARTER TURN KEYED", "EACH"), ("LCH-DRAW-SS", "LATCH DRAW SS", "EACH"),
        ("LCH-CMP-N4", "LATCH COMPRESSION NEMA 4", "EACH"), ("HDL-PULL-6", "HANDLE PULL 6IN BLACK", "EACH"),
        ("HDL-TUB-CART", "HANDLE TUBULAR CART 24IN", "EACH"), ("GSK-NEO-25X100", "GASKET NEOPRENE 1/4X1", "FT"),
        ("GSK-NEO-125X75", "GASKET NEOPRENE 1/8X3/4", "FT"), ("LBL-UL-508A", "LABEL UL 508A", "EACH"),
        ("LBL-SERIAL", "TAG SERIAL NUMBER AL", "EACH"), ("LBL-WARN-ELEC", "DECAL WARNING ELECTRICAL", "EACH"),
        ("PKG-CTN-241812", "CARTON 24X18X12 RSC", "EACH"), ("PKG-CTN-362412", "CARTON 36X24X12 RSC", "EACH"),
        ("PKG-PLT-4840", "PALLET 48X40 HT", "EACH"), ("PKG-STRETCH-18", "STRETCH WRAP 18IN 80GA", "ROLL"),
        ("PKG-FOAM-CRN", "FOAM CORNER PROTECTOR", "EACH"), ("ELC-GLAND-075", "CABLE GLAND 3/4 NPT", "EACH"),
        ("ELC-LUG-GND", "LUG GROUNDING #14-2/0", "EACH"), ("ELC-DIN-35", "DIN RAIL 35MM X 1M", "EACH"),
        ("LVL-FOOT-38", "LEVELING FOOT 3/8-16", "EACH"), ("LVL-FOOT-12", "LEVELING FOOT 1/2-13", "EACH"),
        ("BMP-RBR-075", "BUMPER RUBBER 3/4 ADH", "EACH"), ("SPR-GAS-40LB", "GAS SPRING 40LB 10IN", "EACH"),
    ]:
        add(code, desc, "hw", um, 0.1, 38)

    # charge and miscellaneous items ('/' codes), never stocked
    add("/SETUP", "SETUP CHARGE", "misc", "EACH", 0, 0, item_type="3")
    add("/PLATING", "OUTSIDE PLATING CHARGE", "misc", "EACH", 0, 0, item_type="3")
    add("/FREIGHT", "FREIGHT IN", "misc", "EACH", 0, 0, item_type="5")
    add("/MISC", "MISCELLANEOUS MATERIAL", "misc", "EACH", 0, 0, item_type="5")
    return items



_OPS = {(wc, op): (desc, hours) for wc, op, desc, _, _, hours in OPERATIONS}
_MIDDLE_OPS = [
    ("LASER", "PUNCH"), ("SAW", "DBUR"), ("BRAKE", "FORM"), ("WELD", "FIXT"), ("WELD", "MIG"),
    ("WELD", "TIG"), ("WELD", "GRIND"), ("PAINT", "PREP"), ("PAINT", "MASK"), ("PAINT", "PCOAT"),
    ("ASM", "ASSY"), ("ASM", "HDWR"), ("ASM", "INSP"),
]


def routing(rng: random.Random) -> list[tuple[str, str]]:
    """3 to 8 (work center, operation) steps in shop order: cut first, pack last."""
    size = rng.randint(3, 8)
    cut = rng.choice([("SAW", "CUT"), ("LASER", "LCUT")])
    steps = [(cut[0], "SETUP"), cut] if size > 3 and rng.random() < 0.2 else [cut]
    picks = sorted(rng.sample(range(len(_MIDDLE_OPS)), size - len(steps) - 1))
    steps += [_MIDDLE_OPS[i] for i in picks]
    steps.append(("ASM", "PACK"))
    if ("PAINT", "PCOAT") in steps and rng.random() < 0.2:
        steps[steps.index(("PAINT", "PCOAT"))] = ("PAINT", "PLATE")
    return steps




# --- people ------------------------------------------------------------------------------------
# Payroll departments (PR_Employee.DepartmentNo): number, name, the work centers its people run, job titles.
DEPARTMENTS = [
    ("10", "FABRICATION", ("SAW", "LASER", "BRAKE"), ("MACHINE OPERATOR", "LASER OPERATOR", "BRAKE OPERATOR")),
    ("20", "WELDING", ("WELD",), ("WELDER", "WELDER - TIG", "WELDER FITTER")),
    ("30", "FINISHING", ("PAINT",), ("PAINTER", "PAINT LINE LOADER")),
    ("40", "ASSEMBLY", ("ASM",), ("ASSEMBLER", "ASSEMBLER - LEAD", "PACKER")),
]
FEMALE_NAMES = {
    "Maria", "Linda", "Patricia", "Jennifer", "Elizabeth", "Susan", "Karen", "Nancy", "Lisa", "Angela",
    "Rosa", "Brenda", "Tanya", "Denise", "Ana", "Heather", "Tammy", "Kim", "Vanessa",
}
TOWNS = [
    ("CEDAR RAPIDS", "52402", "319"), ("MARION", "52302", "319"), ("HIAWATHA", "52233", "319"),
    ("IOWA CITY", "52240", "319"), ("MOUNT VERNON", "52314", "319"), ("ANAMOSA", "52205", "319"),
    ("VINTON", "52349", "319"), ("TIPTON", "52772", "563"),
]
STREETS = [
    "1ST AVE", "OAK ST", "MAPLE DR", "N 10TH ST", "CENTER POINT RD", "BLAIRS FERRY RD", "EDGEWOOD RD NE",
    "BOWMAN WOODS RD", "LINDALE DR", "E POST RD", "WILLOW CREEK DR", "PRAIRIE LN", "HIGHWAY 13",
]
# Sage 100 user keys of the office people who save items and employees.
OFFICE_USERS = ["0000000002", "0000000005", "0000000007"]

# --- buying ------------------------------------------------------------------------------------
# (primary vendor number, item kinds it supplies)
VENDORS = [("RYERSON", "raw"), ("OLYSTL", "raw"), ("FASTENL", "hw"), ("MCMSTR", "hw"), ("AIRGAS", "cons"),
           ("CARDPWD", "cons"), ("ULINE", "hw")]
# (product line, GL account keys: sales, cost of goods sold, inventory, purchases, manufacturing cost)
PRODUCT_LINES = {
    "fg": ("FGEN", ("000000401", "000000501", "000000131", "", "000000511")),
    "sub": ("SUBA", ("", "", "000000132", "", "000000511")),
    "raw": ("STL", ("", "000000502", "000000121", "000000601", "")),
    "cons": ("CONS", ("", "000000502", "000000122", "000000602", "")),
    "hw": ("HDWR", ("", "000000502", "000000123", "000000601", "")),
    "misc": ("MISC", ("000000409", "000000509", "", "000000609", "")),
}
STATUS_COMMENTS = ["WAITING ON CUSTOMER DRAWING", "MATERIAL SHORT - SHEET", "QUALITY HOLD", "CREDIT HOLD"]
