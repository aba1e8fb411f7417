package privacy

import "strings"

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		for _, f := range strings.Fields(w) {
			m[strings.ToLower(f)] = true
		}
	}
	return m
}

// titlesNL and titlesEN introduce a name ("mevrouw Jansen", "Mrs. Peters"). The value is
// the word a pseudonym label starts with.
var titlesNL = map[string]string{
	"mevrouw": "Mevrouw", "mevr.": "Mevrouw", "mevr": "Mevrouw", "mw.": "Mevrouw",
	"meneer": "Meneer", "mijnheer": "Meneer", "dhr.": "Meneer", "dhr": "Meneer", "heer": "Meneer",
	"juf": "Juf", "juffrouw": "Juf", "familie": "Familie", "gezin": "Gezin", "meester": "Meester", "mr.": "Mr", "dr.": "Dr",
}

var titlesEN = map[string]string{
	"mr.": "Mr", "mr": "Mr", "mrs.": "Mrs", "mrs": "Mrs", "ms.": "Ms", "ms": "Ms",
	"miss": "Miss", "dr.": "Dr", "dr": "Dr", "mister": "Mr",
}

// rolesNL and rolesEN are family and care roles that may be followed by a name. The
// value tells whether the role is a child's.
var rolesNL = map[string]bool{
	"moeder": false, "vader": false, "mama": false, "papa": false, "mam": false, "pap": false,
	"oma": false, "opa": false, "grootmoeder": false, "grootvader": false, "tante": false,
	"oom": false, "pleegmoeder": false, "pleegvader": false, "pleegouder": false,
	"pleegmama": false, "pleegpapa": false, "stiefmoeder": false, "stiefvader": false,
	"partner": false, "vriend": false, "vriendin": false, "echtgenoot": false,
	"echtgenote": false, "man": false, "ex": false, "ex-partner": false, "buurvrouw": false,
	"buurman": false, "cliënt": false, "client": false, "cliënte": false, "neef": false, "nicht": false,
	"zoon": true, "zoontje": true, "dochter": true, "dochtertje": true, "broer": true,
	"broertje": true, "zus": true, "zusje": true, "zuster": true, "pleegkind": true,
	"pleegzoon": true, "pleegdochter": true, "stiefzoon": true, "stiefdochter": true,
	"kind": true, "kindje": true, "baby": true, "jongen": true, "meisje": true,
	"leerling": true, "jongere": true, "peuter": true, "kleuter": true, "tweelingbroer": true,
	"tweelingzus": true, "halfbroer": true, "halfzus": true,
}

var rolesEN = map[string]bool{
	"mother": false, "father": false, "mum": false, "mom": false, "mummy": false,
	"mommy": false, "dad": false, "daddy": false, "grandmother": false, "grandfather": false,
	"grandma": false, "grandpa": false, "granny": false, "nan": false, "aunt": false,
	"auntie": false, "uncle": false, "stepmother": false, "stepfather": false,
	"stepdad": false, "stepmum": false, "partner": false, "boyfriend": false,
	"girlfriend": false, "husband": false, "wife": false, "ex": false, "carer": false,
	"client": false, "neighbour": false, "neighbor": false, "cousin": false,
	"son": true, "daughter": true, "brother": true, "sister": true, "stepson": true,
	"stepdaughter": true, "child": true, "baby": true, "boy": true, "girl": true,
	"toddler": true, "pupil": true, "teenager": true, "twin": true, "half-brother": true,
	"half-sister": true, "foster-child": true,
}

// particles are the lower-case parts of Dutch and other surnames.
var particles = set("van de der den ter te ten het 't la le du da di dos el al ben bin von vd v.d.")

// stopCaps are capitalised words that are not names: sentence starters, pronouns, days,
// months, languages, nationalities, organisations and method names common in casework.
var stopCaps = set(`
de het een ik jij je hij zij ze wij we jullie u die dat deze dit er daar hier toen daarna
daarom daarbij maar en of ook want dus als wanneer omdat nu nog wel niet geen al zo
op in bij met van voor na naar om uit over onder tussen tijdens sinds vanaf tot door zonder
wat wie waar hoe waarom welke welk mijn jouw zijn haar ons onze hun hen mij me wel
alle alles iedereen niemand iemand elke ieder sommige veel weinig meer minder eerst later
vandaag gisteren morgen vorige volgende afgelopen laatste eerste tweede derde
ja nee oké ok okay graag dank bedankt hallo hoi beste groet
the a an i you he she it we they me him us them my your his its our their this that these
those there here then when where what who why how which and but or so if as at by for
from in into of on to with without after before during since until about over under
not no yes also just only still even all some any each every many much more most
today yesterday tomorrow last next first second third later now
maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
monday tuesday wednesday thursday friday saturday sunday
januari februari maart april mei juni juli augustus september oktober november december
january february march may june july august october
nederlands engels frans duits arabisch turks marokkaans pools syrisch eritrees afghaans
somalisch belgisch vlaams surinaams oekraïens roemeens berbers tamazight koerdisch
dutch english french german arabic turkish moroccan polish syrian eritrean afghan somali
belgian flemish ukrainian romanian kurdish british european african islam moslim muslim
christelijk christian joods jewish god allah ramadan kerst kerstmis christmas pasen easter
suikerfeest offerfeest eid sinterklaas nieuwjaar halloween
mama papa mam pap oma opa mum mom dad mummy mommy daddy nan gran grandma grandpa
mevrouw meneer juf meester mr mrs ms dr miss sir
jeugdzorg jeugdhulp jeugdbescherming kinderbescherming veilig thuis raad wijkteam buurtteam
cjg jgz ggd ggz ots uhp clb caw ocmw vk sociale sociaal dienst bureau jeugd gezin kind
gezinnen ouders ouder team zorg hulp school opvang rechter rechtbank kinderrechter
jeugdrechter gemeente politie huisarts
social services care council court youth child children protection family families
safety signs team plan home school teacher police gp health nhs local authority
balint korthagen gibbs alact intervisie intervision incident methode method
teams zoom whatsapp facebook instagram tiktok snapchat google youtube covid corona
jeugdwet wmo participatiewet ikz word excel pdf
vertel let zeg kijk denk hoop weet vind zie lijkt blijkt volgens tenslotte ten slotte
overigens bovendien echter verder inmiddels uiteindelijk opeens plotseling soms vaak
altijd nooit steeds meestal gelukkig helaas misschien waarschijnlijk natuurlijk
however although because though while meanwhile eventually suddenly sometimes often
always never usually luckily unfortunately perhaps probably maybe of course
moeder vader zoon dochter broer zus mother father son daughter brother sister
situatie casus case vraag question leerpunt reflectie wat wie
`)

// places are common place names and countries in NL/BE/UK casework; they are never taken
// for a person's name and they complete an institution ("… in Gent").
var places = set(`
amsterdam rotterdam utrecht eindhoven groningen tilburg almere breda nijmegen apeldoorn
haarlem arnhem enschede amersfoort zaanstad zwolle leiden maastricht dordrecht zoetermeer
delft deventer alkmaar helmond venlo leeuwarden hilversum heerlen roosendaal oss schiedam
gouda purmerend vlaardingen lelystad hoorn emmen assen den haag
gent antwerpen brussel leuven brugge mechelen hasselt genk kortrijk aalst oostende
sint-niklaas turnhout roeselare dendermonde beveren lokeren vilvoorde ninove geel
ieper lier tienen mol herentals halle tongeren waregem menen eeklo diest bilzen
london leeds manchester birmingham bristol liverpool sheffield glasgow edinburgh cardiff
newcastle nottingham leicester coventry bradford york brighton oxford cambridge
nederland belgië belgie vlaanderen wallonië holland netherlands belgium flanders england
scotland wales uk marokko morocco turkije turkey syrië syria polen poland eritrea
afghanistan somalië somalia suriname curaçao curacao ghana nigeria oekraïne ukraine
roemenië romania spanje spain duitsland germany frankrijk france irak iraq iran
europa europe afrika africa
`)

// monthWords names months in Dutch and English, long and short.
var monthWords = map[string]int{
	"januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
	"augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
	"january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
	"october": 10, "jan": 1, "feb": 2, "mrt": 3, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
	"aug": 8, "sep": 9, "sept": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12,
}
