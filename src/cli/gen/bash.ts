/**
 * completions/xm.bash. The script is thin on purpose: it rejoins the words bash
 * split at `=` and `:`, asks the xm being completed (`xm __complete`, see
 * src/cli/complete.ts) and hands the candidates to readline, so what it offers
 * always comes from that xm's own registry and its xend.
 */
import { HEADER } from './shell.js';

export function bashCompletion(): string {
  return `# bash completion for xm(1)                                -*- shell-script -*-
#
${HEADER}
#
# Install: copy to /usr/share/bash-completion/completions/xm (for every user,
# with bash-completion), ~/.local/share/bash-completion/completions/xm (for one),
# or source it from ~/.bashrc.

_xm()
{
    local line piece rest i cword=-1
    local -a words=()
    if [[ -n \${COMP_LINE+set} ]]; then
        line=\${COMP_LINE:0:COMP_POINT}
    else
        # Called without readline (a test, another completer): the words as the line.
        printf -v line '%s ' "\${COMP_WORDS[@]:0:COMP_CWORD+1}"
        line=\${line% }
    fi
    # Rejoin what bash split at COMP_WORDBREAKS inside a word (--state=running, a:b).
    for ((i = 0; i <= COMP_CWORD && i < \${#COMP_WORDS[@]}; i++)); do
        piece=\${COMP_WORDS[i]}
        rest=\${line#"\${line%%[![:blank:]]*}"}
        ((i == COMP_CWORD)) && piece=$rest
        if ((cword >= 0)) && [[ $rest == "$line" ]] &&
            [[ $piece == [=:]* || \${words[cword]} == *[=:] ]]; then
            words[cword]+=$piece
        else
            words+=("$piece")
            cword=$((\${#words[@]} - 1))
        fi
        line=\${rest#"$piece"}
    done
    ((COMP_CWORD >= \${#COMP_WORDS[@]})) && { words+=(""); cword=$((\${#words[@]} - 1)); }
    local cur=\${words[cword]}
    # Readline replaces only the text after the word's last break character.
    local breaks=\${COMP_WORDBREAKS//[^=:]/} keep=
    [[ -n $breaks && $cur == *["$breaks"]* ]] && keep=\${cur%"\${cur##*["$breaks"]}"}

    local xm=\${words[0]}
    [[ $xm == "~/"* ]] && xm=$HOME/\${xm:2}
    local -a out
    mapfile -t out < <("$xm" __complete "$((cword - 1))" "\${words[@]:1:cword}" 2>/dev/null)

    COMPREPLY=()
    local entry value directive= dprefix=
    for entry in "\${out[@]}"; do
        value=\${entry%%$'\\t'*}
        if [[ -z $value ]]; then
            entry=\${entry#$'\\t'}
            directive=\${entry%%$'\\t'*}
            [[ $entry == *$'\\t'* ]] && dprefix=\${entry#*$'\\t'}
        elif [[ $value == "$keep"* ]]; then
            COMPREPLY+=("\${value#"$keep"}")
        fi
    done

    if [[ $directive == files || $directive == dirs ]]; then
        local f action=file
        [[ $directive == dirs ]] && action=directory
        while IFS= read -r f; do
            f=$dprefix$f
            [[ $f == "$keep"* ]] || continue
            COMPREPLY+=("\${f#"$keep"}")
            # Quote and mark directories as file names (only then: \`name=\` stays as is).
            compopt -o filenames 2>/dev/null
        done < <(compgen -A "$action" -- "\${cur#"$dprefix"}")
    fi
    if ((\${#COMPREPLY[@]} == 1)) && [[ \${COMPREPLY[0]} == *= ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}
complete -F _xm xm
`;
}
