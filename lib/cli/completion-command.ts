import type { Command } from 'commander'
import { UsageError } from './cli-errors.js'
import type { CliIO } from './program.js'

/** The shells `completion` writes a script for. zsh runs the bash script through its `bashcompinit`. */
export const COMPLETION_SHELLS = ['bash', 'zsh'] as const

/** HTTP methods offered after `request <profile>`. */
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']

/** Options whose value is a file name: completed with the shell's file names. */
const FILE_OPTIONS = new Set(['--config', '--output', '-o', '--client-secret-file', '--consumer-secret-file'])

/** One subcommand as the script sees it: its words, its options, which take a value, and their choices. */
interface CommandShape {
  path: string
  subcommands: string[]
  options: string[]
  valued: string[]
  choices: Map<string, string[]>
  takesProfile: boolean
}

/**
 * `oauth-sessions completion bash|zsh`: prints a completion script made from the command's own
 * definitions (subcommands, options, the choices of `--flow` and `--preset`), with profile names
 * read at completion time from `oauth-sessions profile list --names` (the config named by a
 * `--config` on the line, if any) and HTTP methods after `request <profile>`.
 *
 * @internal
 */
export function printCompletion(shell: string, program: Command, io: CliIO): void {
  if (!(COMPLETION_SHELLS as readonly string[]).includes(shell)) {
    throw new UsageError(`\`completion\` writes a script for ${COMPLETION_SHELLS.join(' or ')}; ${JSON.stringify(shell)} is not one of them.`)
  }
  const script = bashScript(shapesOf(program), globalOptions(program))
  io.stdout.write(shell === 'zsh' ? `autoload -U +X bashcompinit && bashcompinit\n${script}` : script)
}

/** Every subcommand, depth first: `login`, `profile`, `profile add`, ... */
function shapesOf(program: Command): CommandShape[] {
  const shapes: CommandShape[] = []
  const visit = (command: Command, path: string): void => {
    const options = command.options.filter((option) => !option.hidden)
    const flags = options.flatMap((option) => [option.long, option.short].filter((flag): flag is string => flag !== undefined))
    const valued = options
      .filter((option) => option.required || option.optional)
      .flatMap((option) => [option.long, option.short].filter((flag): flag is string => flag !== undefined))
    const choices = new Map(
      options.flatMap((option) => (option.argChoices === undefined || option.long === undefined ? [] : [[option.long, option.argChoices] as const])),
    )
    const first = command.registeredArguments[0]?.name()
    shapes.push({
      path,
      subcommands: command.commands.map((sub) => sub.name()),
      options: [...flags, '--help'],
      valued,
      choices,
      takesProfile: first === 'profile',
    })
    for (const sub of command.commands) visit(sub, path === '' ? sub.name() : `${path} ${sub.name()}`)
  }
  for (const sub of program.commands) visit(sub, sub.name())
  return shapes
}

/** The program's own options (anywhere on the line), and which of them take a value. */
function globalOptions(program: Command): { flags: string[]; valued: string[] } {
  const flags = program.options.flatMap((option) => [option.long, option.short].filter((flag): flag is string => flag !== undefined))
  const valued = program.options.filter((option) => option.required || option.optional).flatMap((option) => [option.long as string])
  return { flags: [...flags, '--help'], valued }
}

/** Quotes a word for a bash single-quoted string. */
function quoted(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`
}

function bashScript(shapes: CommandShape[], globals: { flags: string[]; valued: string[] }): string {
  const top = shapes.filter((shape) => !shape.path.includes(' ')).map((shape) => shape.path)
  const groups = shapes.filter((shape) => shape.subcommands.length > 0)
  const valuedCases = shapes
    .filter((shape) => shape.valued.length > 0)
    .map((shape) => `    ${quoted(shape.path)}) case "$2" in ${shape.valued.join('|')}) return 0 ;; esac ;;`)
  const optionCases = shapes.map((shape) => `    ${quoted(shape.path)}) words=${quoted(shape.options.join(' '))} ;;`)
  const choiceCases = shapes.flatMap((shape) =>
    [...shape.choices].map(([flag, values]) => `    ${quoted(`${shape.path} ${flag}`)}) words=${quoted(values.join(' '))} ;;`),
  )
  const profileCommands = shapes.filter((shape) => shape.takesProfile).map((shape) => quoted(shape.path))
  return `# oauth-sessions completion for bash (made by \`oauth-sessions completion bash\`).
# Load it now: source <(oauth-sessions completion bash)
# Or for every shell: oauth-sessions completion bash > ~/.local/share/bash-completion/completions/oauth-sessions

# Whether option $2 of subcommand $1 takes a value (the next word).
_oauth_sessions_valued() {
  case "$2" in ${globals.valued.join('|')}) return 0 ;; esac
  case "$1" in
${valuedCases.join('\n')}
  esac
  return 1
}

_oauth_sessions() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" config="" word words="" i
  local -i operands=0
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [[ "$word" == -* ]]; then
      [[ "$word" == --config ]] && config="\${COMP_WORDS[i + 1]}"
      if _oauth_sessions_valued "$cmd" "$word"; then
        if ((i + 1 == COMP_CWORD)); then prev="$word"; fi
        ((i++))
      fi
      continue
    fi
    if [[ -z "$cmd" ]]; then
      cmd="$word"
    elif [[ $operands -eq 0 && ( ${groups.map((group) => `"$cmd" == ${quoted(group.path)}`).join(' || ') || 'false'} ) ]]; then
      cmd="$cmd $word"
    else
      operands+=1
    fi
  done
  if [[ -n "$prev" ]]; then
    case "$prev" in ${[...FILE_OPTIONS].join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;; esac
    case "$cmd $prev" in
${choiceCases.join('\n')}
      *) return 0 ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
    return 0
  fi
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
${optionCases.join('\n')}
    esac
    COMPREPLY=($(compgen -W "$words ${globals.flags.join(' ')}" -- "$cur"))
    return 0
  fi
  case "$cmd" in
    '') words=${quoted([...top, 'help'].join(' '))} ;;
${groups.map((group) => `    ${quoted(group.path)}) words=${quoted(group.subcommands.join(' '))} ;;`).join('\n')}
    'help') words=${quoted(top.join(' '))} ;;
    ${profileCommands.join('|') || "''"})
      if ((operands == 0)); then
        words="$(oauth-sessions \${config:+--config "$config"} profile list --names 2>/dev/null)"
      elif [[ "$cmd" == request || "$cmd" == explain ]] && ((operands == 1)); then
        words=${quoted(METHODS.join(' '))}
      fi ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}

complete -o default -F _oauth_sessions oauth-sessions
`
}
