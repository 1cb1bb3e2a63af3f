// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>

#include "print.h"

static void indent(FILE *f, int n)
{
	while (n-- > 0)
		fputc('\t', f);
}

static void print_number(FILE *f, int64_t v, int sign_ok)
{
	if (v >= 0)
		fprintf(f, "%" PRId64, v);
	else if (sign_ok)
		fprintf(f, "-%" PRIu64, (uint64_t)0 - (uint64_t)v);
	else
		fprintf(f, "0x%" PRIx64, (uint64_t)v);
}

/*
 * Binding strength of what an expression prints as, after the parser's
 * levels: an operand gets parentheses only when the parser would otherwise
 * group it differently.  Printing no more parentheses than needed also
 * keeps the nesting depth of the output no deeper than the input's.
 */
enum prec {
	P_ASSIGN = 1,
	P_TERNARY,
	P_LOR,
	P_LAND,
	P_BOR,
	P_BXOR,
	P_BAND,
	P_IN,
	P_CMP,
	P_SHIFT,
	P_CONCAT,
	P_ADD,
	P_MUL,
	P_UNARY,
	P_POSTFIX,
	P_PRIMARY,
};

static enum prec binary_prec(enum op op)
{
	switch (op) {
	case OP_LOR:
		return P_LOR;
	case OP_LAND:
		return P_LAND;
	case OP_BOR:
		return P_BOR;
	case OP_BXOR:
		return P_BXOR;
	case OP_BAND:
		return P_BAND;
	case OP_SHL:
	case OP_SHR:
		return P_SHIFT;
	case OP_CONCAT:
		return P_CONCAT;
	case OP_ADD:
	case OP_SUB:
		return P_ADD;
	case OP_MUL:
	case OP_DIV:
	case OP_MOD:
		return P_MUL;
	default:
		return P_CMP;
	}
}

static int is_operation(const struct expr *e)
{
	switch (e->kind) {
	case EX_UNARY:
	case EX_PREINC:
	case EX_POSTINC:
	case EX_BINARY:
	case EX_ASSIGN:
	case EX_TERNARY:
	case EX_IN:
		return 1;
	default:
		return 0;
	}
}

static enum prec prec_of(const struct expr *e)
{
	if (e->comps.n)
		return P_PRIMARY; /* printed as (x)->f */
	switch (e->kind) {
	case EX_ASSIGN:
		return P_ASSIGN;
	case EX_TERNARY:
		return P_TERNARY;
	case EX_IN:
		return P_IN;
	case EX_BINARY:
		return binary_prec(e->op);
	case EX_UNARY:
	case EX_PREINC:
		return P_UNARY;
	case EX_POSTINC:
		return P_POSTFIX;
	default:
		return P_PRIMARY;
	}
}

/* Print e where the parser reads an expression of at least level min. */
static void operand(FILE *f, const struct expr *e, enum prec min)
{
	if (prec_of(e) < min) {
		fputc('(', f);
		print_expr(f, e);
		fputc(')', f);
	} else {
		print_expr(f, e);
	}
}

static void print_args(FILE *f, const expr_vec *v)
{
	for (int i = 0; i < v->n; i++) {
		if (i)
			fputs(", ", f);
		if (v->v[i])
			print_expr(f, v->v[i]);
		else
			fputc('*', f);
	}
}

static void print_comps(FILE *f, const struct expr *e)
{
	for (int i = 0; i < e->comps.n; i++) {
		const struct target_comp *c = &e->comps.v[i];

		switch (c->kind) {
		case COMP_FIELD:
			fprintf(f, "->%s", c->name);
			break;
		case COMP_INDEX:
			fputc('[', f);
			print_expr(f, c->index);
			fputc(']', f);
			break;
		case COMP_PRETTY:
			for (int k = 0; k < c->pretty; k++)
				fputc('$', f);
			break;
		}
	}
}

static void print_string(FILE *f, const char *s)
{
	fprintf(f, "\"%s\"", s);
}

static void print_expr_base(FILE *f, const struct expr *e);

/* The end of @cast(x, "type" [, "module"]) and @var("name" [, "module"]),
 * and what follows them. */
static void print_names(FILE *f, const struct expr *e)
{
	print_string(f, e->str);
	if (e->str2) {
		fputs(", ", f);
		print_string(f, e->str2);
	}
	fputc(')', f);
	print_comps(f, e);
}

void print_expr(FILE *f, const struct expr *e)
{
	if (e->comps.n && e->kind != EX_TARGET && e->kind != EX_CAST && e->kind != EX_ATVAR) {
		/* A dereferenced value (autocast): s->name, (a ? b : c)->f;
		 * (p)[i] keeps its parentheses or it would read as an array. */
		if (is_operation(e) || e->comps.v[0].kind == COMP_INDEX) {
			fputc('(', f);
			print_expr_base(f, e);
			fputc(')', f);
		} else {
			print_expr_base(f, e);
		}
		print_comps(f, e);
		return;
	}
	print_expr_base(f, e);
}

static void print_expr_base(FILE *f, const struct expr *e)
{
	switch (e->kind) {
	case EX_NUMBER:
		print_number(f, e->num, 0);
		break;
	case EX_STRING:
		print_string(f, e->str);
		break;
	case EX_SYMBOL:
		fputs(e->name, f);
		break;
	case EX_INDEX:
		print_expr(f, e->a);
		fputc('[', f);
		print_args(f, &e->args);
		fputc(']', f);
		break;
	case EX_CALL:
		fprintf(f, "%s(", e->name);
		print_args(f, &e->args);
		fputc(')', f);
		break;
	case EX_TARGET:
		fputs(e->name, f);
		print_comps(f, e);
		break;
	case EX_CAST:
		fputs("@cast(", f);
		print_expr(f, e->a);
		fputs(", ", f);
		print_names(f, e);
		break;
	case EX_ATVAR:
		fputs("@var(", f);
		print_names(f, e);
		break;
	case EX_AT_OP:
		fprintf(f, "@%s(", e->name);
		print_args(f, &e->args);
		fputc(')', f);
		break;
	case EX_STAT:
		fprintf(f, "@%s(", e->name);
		print_expr(f, e->a);
		for (int i = 0; i < e->args.n; i++) {
			fputs(", ", f);
			print_number(f, e->args.v[i]->num, 1);
		}
		fputc(')', f);
		break;
	case EX_UNARY:
	case EX_PREINC:
		fputs(op_text[e->op], f);
		if (e->op == OP_ADDR) {
			operand(f, e->a, P_POSTFIX);
		} else if (prec_of(e->a) == P_UNARY) {
			/* "- -x", "- --x": a space keeps the operators apart. */
			fputc(' ', f);
			print_expr(f, e->a);
		} else {
			operand(f, e->a, P_UNARY);
		}
		break;
	case EX_POSTINC:
		operand(f, e->a, P_POSTFIX);
		fputs(op_text[e->op], f);
		break;
	case EX_BINARY: {
		enum prec p = binary_prec(e->op);

		/* Left-associative: a - b - c needs no parentheses, a - (b - c) does. */
		operand(f, e->a, p);
		fprintf(f, " %s ", op_text[e->op]);
		operand(f, e->b, p + 1);
		break;
	}
	case EX_ASSIGN:
		operand(f, e->a, P_TERNARY);
		fprintf(f, " %s ", op_text[e->op]);
		print_expr(f, e->b);
		break;
	case EX_TERNARY:
		operand(f, e->a, P_LOR);
		fputs(" ? ", f);
		print_expr(f, e->b);
		fputs(" : ", f);
		operand(f, e->c, P_TERNARY);
		break;
	case EX_IN:
		/* k in a, (k in a) in b read back the same without brackets. */
		if (e->args.n == 1 && e->args.v[0] && !e->args.v[0]->comps.n &&
		    (e->args.v[0]->kind == EX_IN || prec_of(e->args.v[0]) >= P_CMP)) {
			print_expr(f, e->args.v[0]);
		} else {
			fputc('[', f);
			print_args(f, &e->args);
			fputc(']', f);
		}
		fputs(" in ", f);
		print_expr(f, e->a);
		break;
	case EX_EMBEDDED:
		fprintf(f, "%%{%s%%}", e->str);
		break;
	}
}

void print_stmt(FILE *f, const struct stmt *s, int ind);

/* The body of if/while/for/foreach, after its header. */
static void print_body(FILE *f, const struct stmt *s, int ind)
{
	if (s->kind == ST_BLOCK) {
		fputc(' ', f);
		print_stmt(f, s, ind);
	} else {
		fputc('\n', f);
		indent(f, ind + 1);
		print_stmt(f, s, ind + 1);
	}
}

static void print_foreach(FILE *f, const struct stmt *s, int ind)
{
	fputs("foreach (", f);
	if (s->value)
		fprintf(f, "%s%s = ", s->value,
			s->sort_col == -1 && !s->sort_agg ? (s->sort_dir > 0 ? "+" : "-") : "");
	fputc('[', f);
	for (int i = 0; i < s->keys.n; i++) {
		fprintf(f, "%s%s", i ? ", " : "", s->keys.v[i].name);
		if (s->sort_col == i + 1)
			fputc(s->sort_dir > 0 ? '+' : '-', f);
	}
	fputs("] in ", f);
	print_expr(f, s->array);
	if (s->sort_agg)
		fprintf(f, " @%s", s->sort_agg);
	if (s->sort_col == -1 && (!s->value || s->sort_agg))
		fputc(s->sort_dir > 0 ? '+' : '-', f);
	if (s->limit) {
		fputs(" limit ", f);
		print_expr(f, s->limit);
	}
	fputc(')', f);
	print_body(f, s->body, ind);
}

/* Prints s without leading indentation and without a final newline. */
void print_stmt(FILE *f, const struct stmt *s, int ind)
{
	switch (s->kind) {
	case ST_NULL:
		fputc(';', f);
		break;
	case ST_BLOCK:
		fputs("{\n", f);
		for (int i = 0; i < s->stmts.n; i++) {
			indent(f, ind + 1);
			print_stmt(f, s->stmts.v[i], ind + 1);
			fputc('\n', f);
		}
		indent(f, ind);
		fputc('}', f);
		break;
	case ST_EXPR:
		print_expr(f, s->e);
		fputc(';', f);
		break;
	case ST_IF:
		fputs("if (", f);
		print_expr(f, s->e);
		fputc(')', f);
		print_body(f, s->body, ind);
		if (s->other) {
			if (s->body->kind == ST_BLOCK) {
				fputs(" else", f);
			} else {
				fputc('\n', f);
				indent(f, ind);
				fputs("else", f);
			}
			if (s->other->kind == ST_IF) {
				fputc(' ', f);
				print_stmt(f, s->other, ind);
			} else {
				print_body(f, s->other, ind);
			}
		}
		break;
	case ST_WHILE:
		fputs("while (", f);
		print_expr(f, s->e);
		fputc(')', f);
		print_body(f, s->body, ind);
		break;
	case ST_FOR:
		fputs("for (", f);
		if (s->init)
			print_expr(f, s->init);
		fputs("; ", f);
		if (s->e)
			print_expr(f, s->e);
		fputs("; ", f);
		if (s->step)
			print_expr(f, s->step);
		fputc(')', f);
		print_body(f, s->body, ind);
		break;
	case ST_FOREACH:
		print_foreach(f, s, ind);
		break;
	case ST_DELETE:
		/* The target is a primary (delete (x + g) parses, as in stap). */
		fputs("delete ", f);
		operand(f, s->e, P_POSTFIX);
		fputc(';', f);
		break;
	case ST_NEXT:
		fputs("next;", f);
		break;
	case ST_BREAK:
		fputs("break;", f);
		break;
	case ST_CONTINUE:
		fputs("continue;", f);
		break;
	case ST_RETURN:
		fputs("return", f);
		if (s->e) {
			fputc(' ', f);
			print_expr(f, s->e);
		}
		fputc(';', f);
		break;
	case ST_TRY:
		fputs("try ", f);
		print_stmt(f, s->body, ind);
		fputs(" catch ", f);
		if (s->catch_var)
			fprintf(f, "(%s) ", s->catch_var);
		print_stmt(f, s->other, ind);
		break;
	}
}

void print_point(FILE *f, const struct probe_point *pp)
{
	for (int i = 0; i < pp->comps.n; i++) {
		const struct probe_comp *c = &pp->comps.v[i];

		fprintf(f, "%s%s", i ? "." : "", c->name);
		if (c->arg) {
			fputc('(', f);
			if (c->arg->kind == EX_NUMBER)
				print_number(f, c->arg->num, 1);
			else
				print_string(f, c->arg->str);
			fputc(')', f);
		}
	}
	if (pp->optional)
		fputc('?', f);
	if (pp->sufficient)
		fputc('!', f);
	if (pp->cond) {
		fputs(" if (", f);
		print_expr(f, pp->cond);
		fputc(')', f);
	}
}

static void print_decl(FILE *f, const struct decl *d)
{
	switch (d->kind) {
	case DECL_PROBE:
	case DECL_ALIAS:
		fputs("probe ", f);
		if (d->kind == DECL_ALIAS) {
			print_point(f, d->alias);
			fputs(d->append ? " += " : " = ", f);
		}
		for (int i = 0; i < d->points.n; i++) {
			if (i)
				fputs(", ", f);
			print_point(f, d->points.v[i]);
		}
		fputc(' ', f);
		print_stmt(f, d->body, 0);
		if (d->epilogue) {
			fputs(", ", f);
			print_stmt(f, d->epilogue, 0);
		}
		break;
	case DECL_FUNCTION:
		fprintf(f, "%sfunction %s", d->private_ ? "private " : "", d->name);
		if (d->ret != TYPE_UNKNOWN)
			fprintf(f, ":%s", type_name[d->ret]);
		fputc('(', f);
		for (int i = 0; i < d->params.n; i++) {
			fprintf(f, "%s%s", i ? ", " : "", d->params.v[i].name);
			if (d->params.v[i].type != TYPE_UNKNOWN)
				fprintf(f, ":%s", type_name[d->params.v[i].type]);
		}
		fputc(')', f);
		if (d->has_priority)
			fprintf(f, " : %" PRId64, d->priority);
		if (d->code) {
			fprintf(f, " %%{%s%%}", d->code);
		} else {
			fputc(' ', f);
			print_stmt(f, d->body, 0);
		}
		break;
	case DECL_GLOBAL:
		fprintf(f, "%sglobal %s%s", d->private_ ? "private " : "", d->name,
			d->wrap ? "%" : "");
		if (d->size)
			fprintf(f, "[%" PRId64 "]", d->size);
		if (d->init) {
			fputs(" = ", f);
			if (d->init->kind == EX_NUMBER)
				print_number(f, d->init->num, 1);
			else
				print_string(f, d->init->str);
		}
		break;
	case DECL_EMBED:
		fprintf(f, "%%{%s%%}", d->code);
		break;
	}
	fputc('\n', f);
}

void print_script(FILE *f, const struct script *s)
{
	fprintf(f, "# file %s\n", s->src->name);
	for (int i = 0; i < s->decls.n; i++)
		print_decl(f, s->decls.v[i]);
}
