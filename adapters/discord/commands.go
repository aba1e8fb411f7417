package discord

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// commandName is the one top-level application command; everything else is a
// subcommand, so the bot takes a single entry in Discord's command picker.
const commandName = "intervision"

// subcommand describes one /intervision subcommand: its English name (the engine's
// command word), the Dutch localisation, descriptions and options in the order their
// values are appended to the engine command.
type subcommand struct {
	name, nl       string
	descEN, descNL string
	options        []option
}

// option is a string option of a subcommand.
type option struct {
	name, nl       string
	descEN, descNL string
	choices        []choice
	// free text is passed on as typed; other options are one lower-case word.
	free     bool
	required bool
}

type choice struct{ value, en, nl string }

// subcommands are the /intervision subcommands, in the order Discord shows them.
var subcommands = []subcommand{
	{name: "start", nl: "start",
		descEN: "Start an intervision session in a new thread (or a solo reflection)",
		descNL: "Start een intervisiesessie in een nieuwe thread (of een solo-reflectie)",
		options: []option{
			{name: "method", nl: "methode",
				descEN: "Method, e.g. incident, wsn or alact (default: the bot's default)",
				descNL: "Methode, bijv. incident, wsn of alact (standaard: die van de bot)"},
			{name: "language", nl: "taal",
				descEN: "Language of the session", descNL: "Taal van de sessie",
				choices: []choice{{"en", "English", "Engels"}, {"nl", "Dutch", "Nederlands"}}},
			{name: "mode", nl: "vorm",
				descEN: "Group session or solo reflection", descNL: "Groepssessie of solo-reflectie",
				choices: []choice{{"group", "Group", "Groep"}, {"solo", "Solo", "Solo"}}},
		}},
	{name: "join", nl: "meedoen", descEN: "Join the session in this thread", descNL: "Doe mee met de sessie in deze thread"},
	{name: "bring", nl: "inbrengen", descEN: "Become the case bringer", descNL: "Word de inbrenger van de casus"},
	{name: "next", nl: "volgende", descEN: "Go to the next phase", descNL: "Ga naar de volgende fase"},
	{name: "back", nl: "terug", descEN: "Reopen the previous phase", descNL: "Open de vorige fase opnieuw"},
	{name: "more", nl: "langer", descEN: "Give this phase more time", descNL: "Geef deze fase meer tijd",
		options: []option{{name: "minutes", nl: "minuten", descEN: "Minutes, or a span such as 2h (default: half the phase)", descNL: "Minuten, of bijv. 2u (standaard: de helft van de fase)"}}},
	{name: "pause", nl: "pauze", descEN: "Hold the session's timers", descNL: "Zet de tijd van de sessie stil"},
	{name: "resume", nl: "hervat", descEN: "Let the session's timers run again", descNL: "Laat de tijd van de sessie weer lopen"},
	{name: "checkin", nl: "terugblik", descEN: "Case bringer: when I check back about your next step", descNL: "Inbrenger: wanneer ik terugkom op je volgende stap",
		options: []option{{name: "when", nl: "wanneer", descEN: "When to check back", descNL: "Wanneer ik terugkom", required: true,
			choices: []choice{{"1w", "In 1 week", "Over 1 week"}, {"2w", "In 2 weeks", "Over 2 weken"}, {"off", "No check-in", "Niet nodig"}}}}},
	{name: "status", nl: "status", descEN: "Show the phase, roles and who has spoken", descNL: "Toon de fase, rollen en wie er sprak"},
	{name: "leave", nl: "verlaten", descEN: "Leave the session", descNL: "Verlaat de sessie"},
	{name: "rewrite", nl: "herschrijf", descEN: "Replace your last message in this phase", descNL: "Vervang je laatste bericht in deze fase",
		options: []option{{name: "text", nl: "tekst", descEN: "The new text", descNL: "De nieuwe tekst", free: true, required: true}}},
	{name: "answer", nl: "antwoord", descEN: "Your answer to the private round that waits for you", descNL: "Je antwoord in de privéronde die op je wacht",
		options: []option{{name: "text", nl: "tekst", descEN: "Your answer", descNL: "Je antwoord", free: true, required: true}}},
	{name: "end", nl: "einde", descEN: "End the session and post the summary", descNL: "Beëindig de sessie en plaats de samenvatting"},
	{name: "keep", nl: "bewaren", descEN: "After the end: keep only the summary (case bringer)", descNL: "Na afloop: bewaar alleen de samenvatting (inbrenger)",
		options: []option{{name: "text", nl: "tekst", descEN: "Optional: a message to keep as written", descNL: "Optioneel: een bericht om letterlijk te bewaren", free: true}}},
	{name: "summary", nl: "samenvatting", descEN: "Show this session's summary again", descNL: "Toon de samenvatting van deze sessie opnieuw"},
	{name: "report", nl: "overzicht", descEN: "This channel's sessions and themes: counts only", descNL: "De sessies en thema's van dit kanaal: alleen aantallen",
		options: []option{{name: "period", nl: "periode", descEN: "Period", descNL: "Periode",
			choices: []choice{{"30d", "30 days", "30 dagen"}, {"90d", "90 days", "90 dagen"}, {"1y", "1 year", "1 jaar"}}}}},
	{name: "methods", nl: "methodes", descEN: "The methods and how long they take", descNL: "De methodes en hoe lang ze duren"},
	{name: "help", nl: "hulp", descEN: "How the bot works", descNL: "Hoe de bot werkt"},
	{name: "forget", nl: "vergeet", descEN: "Delete what you wrote in this server", descNL: "Wis wat je in deze server schreef"},
	{name: "export", nl: "export", descEN: "Get a copy of what you wrote", descNL: "Krijg een kopie van wat je schreef"},
}

// applicationCommands builds the /intervision command with English names and
// descriptions and Dutch localisations. It may be used in servers and in DMs with the bot.
func applicationCommands() []*discordgo.ApplicationCommand {
	contexts := []discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
	cmd := &discordgo.ApplicationCommand{
		Type:                     discordgo.ChatApplicationCommand,
		Name:                     commandName,
		NameLocalizations:        &map[discordgo.Locale]string{discordgo.Dutch: "intervisie"},
		Description:              "Peer reflection (intervision) sessions",
		DescriptionLocalizations: &map[discordgo.Locale]string{discordgo.Dutch: "Intervisiesessies (reflectie met collega's)"},
		Contexts:                 &contexts,
	}
	for _, sc := range subcommands {
		o := &discordgo.ApplicationCommandOption{
			Type:                     discordgo.ApplicationCommandOptionSubCommand,
			Name:                     sc.name,
			NameLocalizations:        map[discordgo.Locale]string{discordgo.Dutch: sc.nl},
			Description:              sc.descEN,
			DescriptionLocalizations: map[discordgo.Locale]string{discordgo.Dutch: sc.descNL},
		}
		for _, op := range sc.options {
			so := &discordgo.ApplicationCommandOption{
				Type:                     discordgo.ApplicationCommandOptionString,
				Name:                     op.name,
				NameLocalizations:        map[discordgo.Locale]string{discordgo.Dutch: op.nl},
				Description:              op.descEN,
				DescriptionLocalizations: map[discordgo.Locale]string{discordgo.Dutch: op.descNL},
				Required:                 op.required,
				MaxLength:                40,
			}
			if op.free {
				so.MaxLength = 4000
			}
			for _, c := range op.choices {
				so.Choices = append(so.Choices, &discordgo.ApplicationCommandOptionChoice{
					Name: c.en, NameLocalizations: map[discordgo.Locale]string{discordgo.Dutch: c.nl}, Value: c.value,
				})
			}
			o.Options = append(o.Options, so)
		}
		cmd.Options = append(cmd.Options, o)
	}
	return []*discordgo.ApplicationCommand{cmd}
}

// commandText turns a slash command's data into the engine's command text, e.g.
// "start incident en solo": the subcommand followed by its option values in declared
// order. Values are single lower-case words (anything after the first space is dropped),
// except free text (rewrite, keep), which is passed on as typed.
func commandText(d discordgo.ApplicationCommandInteractionData) (string, error) {
	if d.Name != commandName {
		return "", fmt.Errorf("unknown command %q", d.Name)
	}
	if len(d.Options) == 0 || d.Options[0].Type != discordgo.ApplicationCommandOptionSubCommand {
		return "help", nil
	}
	sub := d.Options[0]
	var def *subcommand
	for i := range subcommands {
		if subcommands[i].name == sub.Name {
			def = &subcommands[i]
		}
	}
	if def == nil {
		return "", fmt.Errorf("unknown subcommand %q", sub.Name)
	}
	given := map[string]string{}
	for _, o := range sub.Options {
		if s, ok := o.Value.(string); ok {
			given[o.Name] = s
		}
	}
	words := []string{def.name}
	for _, op := range def.options {
		v := strings.Fields(given[op.name])
		switch {
		case len(v) == 0:
		case op.free:
			words = append(words, strings.TrimSpace(given[op.name]))
		default:
			words = append(words, strings.ToLower(v[0]))
		}
	}
	return strings.Join(words, " "), nil
}

// lang maps a Discord locale to the engine's languages: "nl" for Dutch, "en" for every
// other locale, "" when the platform did not say.
func lang(l discordgo.Locale) string {
	switch {
	case l == "":
		return ""
	case strings.HasPrefix(strings.ToLower(string(l)), "nl"):
		return "nl"
	default:
		return "en"
	}
}
