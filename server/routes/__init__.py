"""HTTP routes: one APIRouter per area; handlers parse, call a service, render."""
