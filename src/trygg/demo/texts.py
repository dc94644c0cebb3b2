"""Swedish short descriptions for synthetic incidents: templates per category.

A description is ``template.format(plats=..., omr=...)``: ``plats`` says what kind of
place (from the place type), ``omr`` where (a hotspot phrase or " i <area name>"; empty
when the incident has no point). The texts describe places and situations only: no
names, phone numbers, e-mail addresses, personal identity numbers or registration plates.
"""

PLACE_PHRASES = {
    "street": ("på gatan", "på gång- och cykelvägen", "vid torget"),
    "park": ("i parken", "på grönområdet", "vid lekplatsen"),
    "station": ("vid busshållplatsen", "på stationen", "vid pendeltågsuppgången"),
    "sports": ("vid idrottsplatsen", "på konstgräsplanen", "vid spontanidrottsplatsen"),
    "parking": ("på parkeringen", "i parkeringsgaraget"),
    "centre": ("i centrumgången", "utanför butiken", "vid entrén till centrum"),
    "school": ("på skolgården", "vid skolans entré", "i skolans korridor"),
    "youth_centre": ("utanför fritidsgården", "på fritidsgården"),
    "stairwell": ("i trapphuset", "i källargången", "i förrådsutrymmet"),
    "courtyard": ("på innergården", "på bostadsgården", "vid soprummet på gården"),
    "other": ("inomhus i lokalen", "i verksamhetens lokaler"),
    "": ("på platsen",),
}

TEMPLATES = {
    "VALD.MISSHANDEL": (
        "Slagsmål mellan flera personer {plats}{omr}. Polis tillkallades.",
        "En person blev slagen {plats}{omr}. Ambulans kom till platsen.",
        "Bråk som övergick i misshandel {plats}{omr} sent på kvällen.",
    ),
    "VALD.HOT": (
        "Person uppträdde hotfullt mot förbipasserande {plats}{omr}.",
        "Hotfull stämning {plats}{omr}; flera upplevde situationen som otrygg.",
        "Verbala hot riktades mot boende {plats}{omr}.",
    ),
    "VALD.RAN": (
        "Rån mot en person {plats}{omr}. Gärningspersonerna försvann till fots.",
        "Försök till rån {plats}{omr}; ingen skadades.",
    ),
    "VALD.VAPEN": (
        "Uppgift om person med kniv {plats}{omr}.",
        "Kniv påträffades {plats}{omr} och lämnades till polisen.",
        "Vittnen uppger att någon visade upp ett vapen {plats}{omr}.",
    ),
    "VALD.SKOTT": (
        "Knallar som lät som skott hördes {plats}{omr}. Polis på plats.",
        "Detonation {plats}{omr}; polisen spärrade av området.",
    ),
    "VALD.PERSONAL": (
        "Personal utsattes för hot {plats}{omr}.",
        "Personal knuffades och hotades {plats}{omr}.",
        "Hotfullt bemötande mot personal {plats}{omr}; händelsen har dokumenterats.",
    ),
    "NARK.FORSALJNING": (
        "Misstänkt narkotikaförsäljning {plats}{omr}; flera korta möten under kvällen.",
        "Boende rapporterar misstänkt langning {plats}{omr}.",
        "Återkommande misstänkt försäljning {plats}{omr}.",
    ),
    "NARK.BRUK": (
        "Personer som verkade påverkade av narkotika {plats}{omr}.",
        "Stark lukt av cannabis {plats}{omr}.",
    ),
    "NARK.FYND": (
        "Fynd av narkotikatillbehör {plats}{omr}; omhändertaget.",
        "Små plastpåsar och tillbehör hittades {plats}{omr}.",
    ),
    "TRAFIK.OLOVLIG": (
        "Buskörning med moped {plats}{omr}.",
        "Crossmotorcyklar körde på gång- och cykelväg{omr}.",
        "EPA-traktorer körde i hög fart {plats}{omr}.",
    ),
    "TRAFIK.VARDSLOS": (
        "Bil körde i hög hastighet {plats}{omr}.",
        "Vårdslös körning nära övergångsställe {plats}{omr}.",
    ),
    "TRAFIK.OVERGIVEN": (
        "Övergivet fordon utan skyltar {plats}{omr}.",
        "Felparkerat fordon blockerar räddningsväg {plats}{omr}.",
    ),
    "ORDNING.UNGDOMSSAMLING": (
        "En grupp ungdomar samlades {plats}{omr}; förbipasserande upplevde det som otryggt.",
        "Ungdomar uppehöll sig {plats}{omr} under kvällen, hög ljudnivå.",
        "Stökig samling av unga {plats}{omr}; några kastade saker.",
    ),
    "ORDNING.BRAK": (
        "Högljutt bråk {plats}{omr}.",
        "Störningar och skrik {plats}{omr} under natten.",
        "Gruppen vägrade lämna {plats}{omr} och skapade oro.",
    ),
    "ORDNING.BERUSNING": (
        "Kraftigt berusad person {plats}{omr}.",
        "Berusade personer störde förbipasserande {plats}{omr}.",
    ),
    "ORDNING.FYRVERKERI": (
        "Smällare kastades {plats}{omr}.",
        "Raketer sköts mot byggnader {plats}{omr}.",
        "Fyrverkerier avfyrades i folksamling {plats}{omr}.",
    ),
    "SKADA.KLOTTER": (
        "Nytt klotter {plats}{omr}; sanering beställd.",
        "Omfattande klotter på fasad {plats}{omr}.",
        "Taggar och klotter {plats}{omr}.",
    ),
    "SKADA.VANDALISERING": (
        "Krossade rutor {plats}{omr}.",
        "Sönderslagen belysning och vandaliserade bänkar {plats}{omr}.",
        "Dörr och porttelefon förstörda {plats}{omr}.",
    ),
    "SKADA.FORDON": (
        "Flera bilar fick rutor krossade {plats}{omr}.",
        "Repade och sönderslagna fordon {plats}{omr}.",
    ),
    "BRAND.ANLAGD": (
        "Anlagd brand {plats}{omr}; släckt av räddningstjänsten.",
        "Brand i papperskorg och buskage {plats}{omr}.",
    ),
    "BRAND.FORDON": (
        "Bilbrand {plats}{omr}.",
        "Moped i brand {plats}{omr}.",
    ),
    "BRAND.AVFALL": (
        "Brand i container {plats}{omr}.",
        "Brand i soprum {plats}{omr}; rökskador i närliggande utrymmen.",
    ),
    "BRAND.OVRIG": (
        "Mindre brand {plats}{omr}; släckt.",
        "Gräsbrand {plats}{omr}.",
    ),
    "STOLD.INBROTT": (
        "Inbrott i förråd {plats}{omr}.",
        "Uppbrutna källarförråd {plats}{omr}.",
        "Inbrottsförsök {plats}{omr}; dörren skadad.",
    ),
    "STOLD.STOLD": (
        "Stöld {plats}{omr}.",
        "Cykelstölder {plats}{omr}.",
        "Snatteri och stöld {plats}{omr}.",
    ),
    "STOLD.FORDON": (
        "Fordon stulet {plats}{omr}.",
        "Moped stulen {plats}{omr}.",
    ),
    "MILJO.BELYSNING": (
        "Trasig belysning {plats}{omr}; mörkt och otryggt.",
        "Flera lampor släckta {plats}{omr}.",
        "Bristande belysning {plats}{omr} upplevs otryggt kvällstid.",
    ),
    "MILJO.VEGETATION": (
        "Igenvuxna buskar skymmer sikten {plats}{omr}.",
        "Vegetation behöver röjas {plats}{omr}.",
    ),
    "MILJO.NEDSKRAPNING": (
        "Mycket skräp {plats}{omr}.",
        "Nedskräpning och dumpat avfall {plats}{omr}.",
        "Överfulla papperskorgar och skräp {plats}{omr}.",
    ),
    "MILJO.FARLIGT": (
        "Krossat glas {plats}{omr}.",
        "Använda sprutor hittade {plats}{omr}; omhändertagna.",
    ),
    "SOCIAL.ORO": (
        "Oro bland unga {plats}{omr} efter en tidigare händelse.",
        "Spänd stämning mellan grupper av unga {plats}{omr}.",
    ),
    "SOCIAL.RYKTEN": (
        "Rykten i sociala medier om en konflikt{omr}.",
        "Filmer sprids i sociala medier och skapar oro{omr}.",
    ),
    "SOCIAL.NATVERK": (
        "Tecken på att unga rekryteras till kriminella uppdrag{omr}.",
        "Tystnadskultur märks {plats}{omr}; unga vill inte prata om händelser.",
    ),
    "SOCIAL.EXTREMISM": (
        "Klistermärken med extremistiskt budskap {plats}{omr}.",
        "Oro för våldsbejakande budskap som sprids bland unga{omr}.",
    ),
    "OVRIGT.ARRANGEMANG": (
        "Planerat arrangemang {plats}{omr}; förstärkt närvaro.",
        "Evenemang med många besökare {plats}{omr}.",
    ),
    "OVRIGT.ANNAT": (
        "Händelse {plats}{omr} som rapporteras för kännedom.",
        "Iakttagelse {plats}{omr}; ingen åtgärd krävdes.",
    ),
}
