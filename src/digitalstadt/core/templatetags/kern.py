from django import template

register = template.Library()

WIDGET_CLASSES = {
    "select": "kern-form-input__select",
    "selectmultiple": "kern-form-input__select",
    "checkbox": "kern-form-check__checkbox",
    "radioselect": "",
    "checkboxselectmultiple": "",
}


@register.filter
def kern_widget(field):
    """Render a bound field's widget with the KERN class for its type."""
    css = WIDGET_CLASSES.get(field.widget_type, "kern-form-input__input")
    if field.errors and css == "kern-form-input__input":
        css += " kern-form-input__input--error"
    existing = field.field.widget.attrs.get("class", "")
    attrs = {"class": f"{existing} {css}".strip()} if css else {}
    return field.as_widget(attrs=attrs)
