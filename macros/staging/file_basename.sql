{#- Return the last component of a file path, accepting `/` and `\` as
    separators so paths written on Windows give the same request ids. -#}
{% macro file_basename(path_expr) -%}
    regexp_extract({{ path_expr }}, '[^/\\]*$')
{%- endmacro %}
