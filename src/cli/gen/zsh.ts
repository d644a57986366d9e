/**
 * completions/_xm: the zsh counterpart of xm.bash, showing each candidate's
 * description (command help, option text, domain id and state) beside it.
 */
import { HEADER } from './shell.js';

export function zshCompletion(): string {
  return `#compdef xm
# zsh completion for xm(1).
#
${HEADER}
#
# Install: copy as _xm into a directory of $fpath, such as
# /usr/local/share/zsh/site-functions (for every user) or ~/.zsh/completions with
# fpath=(~/.zsh/completions $fpath) before compinit in ~/.zshrc (for one).

compdef _xm xm

_xm() {
  local xm=\${words[1]/#\\~/$HOME} entry value desc directive= dprefix= ret=1
  local -a out plain assign
  out=("\${(@f)$("$xm" __complete $((CURRENT - 2)) "\${(@Q)words[2,CURRENT-1]}" "\${(Q)PREFIX}" 2>/dev/null)}")
  for entry in "\${out[@]}"; do
    [[ -z $entry ]] && continue
    value=\${entry%%$'\\t'*}
    if [[ -z $value ]]; then
      entry=\${entry#$'\\t'}
      directive=\${entry%%$'\\t'*}
      [[ $entry == *$'\\t'* ]] && dprefix=\${entry#*$'\\t'}
      continue
    fi
    desc=
    [[ $entry == *$'\\t'* ]] && desc=\${entry#*$'\\t'}
    value=\${value//:/\\\\:}
    # A value ending in \`=\` (\`name=\`, a config variable) wants no space after it.
    if [[ $value == *= ]]; then
      assign+=("$value\${desc:+:$desc}")
    else
      plain+=("$value\${desc:+:$desc}")
    fi
  done
  (( \${#plain} )) && _describe -t xm 'xm' plain && ret=0
  (( \${#assign} )) && _describe -t xm 'xm' assign -S '' && ret=0
  case $directive in
    files|dirs)
      [[ -n $dprefix ]] && compset -P "\${(b)dprefix}"
      if [[ $directive == dirs ]]; then _files -/ && ret=0; else _files && ret=0; fi
      ;;
  esac
  return ret
}

if [[ $funcstack[1] == _xm ]]; then
  _xm "$@"
fi
`;
}
