#include "tests/tools/p21sim/words.hpp"

#include <array>

namespace cs::p21sim::words {

namespace {

using namespace std::string_view_literals;

// Every prefix ends in a non-digit, so prefix + number never collides with
// another prefix + number: generated item ids stay unique.
constexpr std::array kItemPrefixes = {"ABB-"sv, "SKF-"sv, "MIL-"sv,  "DEW-"sv, "3M-"sv,  "GRA-"sv,
                                      "FAS-"sv, "HUB-"sv, "LEV-"sv,  "KLE-"sv, "PAR-"sv, "NIB-"sv,
                                      "WD-"sv,  "EAT-"sv, "SQD-"sv,  "MOE-"sv, "ZUR-"sv, "CH-"sv,
                                      "APC-"sv, "BOS-"sv, "STAN-"sv, "RID-"sv, "LOC-"sv, "IDL-"sv};

constexpr std::array kSpecialItemPrefixes = {"3/4 PVC "sv, "A+B "sv,  "#10 SCR "sv, "R&D "sv,
                                             "1/2 NPT "sv, "C&H "sv,  "O'BRIEN "sv, "LOT 7/8 #"sv,
                                             "T+G "sv,     "P&ID/"sv, "HEX 5/16 "sv};

constexpr std::array kItemNouns = {
    "Elbow"sv, "Coupling"sv, "Valve"sv,     "Bolt"sv,   "Washer"sv,  "Anchor"sv, "Bracket"sv,
    "Hose"sv,  "Fitting"sv,  "Bushing"sv,   "Gasket"sv, "Breaker"sv, "Switch"sv, "Relay"sv,
    "Glove"sv, "Filter"sv,   "Bearing"sv,   "Clamp"sv,  "Nipple"sv,  "Tee"sv,    "Cap"sv,
    "Cable"sv, "Conduit"sv,  "Connector"sv, "Fuse"sv,   "Lamp"sv,    "Screw"sv,  "Nut"sv};

constexpr std::array kItemAdjectives = {
    "Copper"sv, "Brass"sv,  "Galvanized"sv, "Stainless"sv, "PVC"sv,       "Black Iron"sv,
    "Nylon"sv,  "Heavy"sv,  "Threaded"sv,   "Flanged"sv,   "Insulated"sv, "Zinc"sv,
    "Café"sv,   "Müller"sv, "Straight"sv,   "Reducing"sv,  "Ball"sv,      "Gate"sv};

constexpr std::array kItemDetails = {
    ""sv,         ""sv,           ""sv,         ""sv,         ", 3/4\""sv, " 1/2\" x 10'"sv,
    ", 90°"sv,    " Ø12mm"sv,     ", 2-Pack"sv, " ½\""sv,     " (Case)"sv, ", Sch. 40"sv,
    " \"Pro\""sv, " 120V/60Hz"sv, " — OEM"sv,   " M8x1.25"sv, " #8"sv,     " 50% Off"sv};

constexpr std::array kClassCodes = {"HARDWRE"sv, "PLUMB"sv,   "ELECT"sv,  "TOOLS"sv,
                                    "SAFETY"sv,  "JANITOR"sv, "HVAC"sv,   "FASTENR"sv,
                                    "MRO"sv,     "PIPE"sv,    "VALVES"sv, "LIGHT"sv};

constexpr std::array kUsers = {"admin"sv,      "jsmith"sv,  "mgarcia"sv,  "SYSTEM"sv,
                               "p21_import"sv, "lnguyen"sv, "dkowalski"sv};

constexpr std::array kSlot1 = {Uom{"BX", 12}, Uom{"PK", 6}, Uom{"DZ", 12}, Uom{"BG", 50}};
constexpr std::array kSlot2 = {Uom{"CS", 24}, Uom{"CT", 48}, Uom{"CS", 144}};
constexpr std::array kSlot3 = {Uom{"PL", 960}, Uom{"DR", 55}, Uom{"RL", 100}};

constexpr std::array kCompanyNames = {"Acme"sv,       "Smith & Sons"sv,     "O'Reilly Industrial"sv,
                                      "Müller"sv,     "Société Générale"sv, "Great Lakes"sv,
                                      "Northwind"sv,  "Contoso"sv,          "Blue Ridge"sv,
                                      "Peña Bros."sv, "Fabrikam"sv,         "Tri-State"sv,
                                      "Gulf Coast"sv, "Håkansson"sv,        "Summit, Ltd."sv,
                                      "Red River"sv};

constexpr std::array kCompanySuffixes = {"Supply"sv, "Distribution"sv, "Inc."sv,
                                         "Co."sv,    "Industries"sv,   "Wholesale"sv,
                                         "& Co."sv,  "GmbH"sv,         "LLC"sv};

constexpr std::array kStreets = {"Main St"sv,         "Oak Ave"sv,        "Industrial Pkwy"sv,
                                 "Elm St"sv,          "Commerce Dr"sv,    "Route 9"sv,
                                 "Rue de l'Église"sv, "Lake Shore Blvd"sv};

constexpr std::array kCities = {City{"Chicago", "IL", "606"},   City{"Houston", "TX", "770"},
                                City{"Cleveland", "OH", "441"}, City{"Denver", "CO", "802"},
                                City{"Atlanta", "GA", "303"},   City{"Milwaukee", "WI", "532"},
                                City{"Québec", "QC", "G1A"},    City{"St. Louis", "MO", "631"}};

constexpr std::array kProductGroups = {
    "Pipe & Fittings"sv, "Fasteners, Misc."sv, "Électrique"sv,   "Safety / PPE"sv,
    "Valves"sv,          "Tools & Hardware"sv, "HVAC"sv,         "Janitorial"sv,
    "Lighting"sv,        "Wire + Cable"sv,     "\"Specials\""sv, "Bearings"sv};

}  // namespace

std::span<const std::string_view> item_prefixes() {
    return kItemPrefixes;
}
std::span<const std::string_view> special_item_prefixes() {
    return kSpecialItemPrefixes;
}
std::span<const std::string_view> item_nouns() {
    return kItemNouns;
}
std::span<const std::string_view> item_adjectives() {
    return kItemAdjectives;
}
std::span<const std::string_view> item_details() {
    return kItemDetails;
}
std::span<const std::string_view> class_codes() {
    return kClassCodes;
}
std::span<const std::string_view> users() {
    return kUsers;
}

std::span<const Uom> uoms_for_slot(std::uint64_t slot) {
    switch (slot) {
        case 1:
            return kSlot1;
        case 2:
            return kSlot2;
        default:
            return kSlot3;
    }
}

std::span<const std::string_view> company_names() {
    return kCompanyNames;
}
std::span<const std::string_view> company_suffixes() {
    return kCompanySuffixes;
}
std::span<const std::string_view> streets() {
    return kStreets;
}
std::span<const City> cities() {
    return kCities;
}
std::span<const std::string_view> product_groups() {
    return kProductGroups;
}

}  // namespace cs::p21sim::words
